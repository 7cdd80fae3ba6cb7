// Package conffile reads every dockerops configuration file (run.conf,
// build.conf, host.conf, hosts.conf and their .yaml forms) into one node
// tree: JSON with '#' comments, or YAML with anchors and "<<" merges at
// any depth, every value carrying its line, nested at most MaxDepth deep.
// Every problem is an *Error naming file and line, so callers can errors.As.
package conffile
