// Command bench measures dockerops against Docker Compose and a plain
// sequential `docker run` loop on the same engine, with the same containers:
// cold start, no-op re-run and teardown, median of several runs. It needs a
// Docker engine; `mage bench` runs it and BENCHMARKS.md keeps the results.
package main
