package app

// psMode maps ps's argument, DockerOps' mode, to "" (the project's
// instances) or "all" (every dockerops project's). DockerOps' project was
// its default; platform, which crashed there on a key typo, is the
// project's instances too (the project is the platform its README speaks
// of); reallyall listed foreign containers as well, while dockerops lists
// only the containers it made.
func psMode(arg string) (string, error) {
	switch arg {
	case "", "project", "platform":
		return "", nil
	case "all", "reallyall":
		return "all", nil
	}
	return "", usagef("task \"ps\": argument %q is not project, platform, all or reallyall", arg)
}

// onlyRunning keeps, with onlyrunning=True, the entries of running
// instances (DockerOps' `docker ps` without -a).
func onlyRunning(entries []psEntry, a Args) []psEntry {
	if !a.flag("onlyrunning") {
		return entries
	}
	var out []psEntry
	for _, e := range entries {
		if e.Status == "running" {
			out = append(out, e)
		}
	}
	return out
}
