package project

import (
	"slices"
	"strings"
)

// checkLinks reports links to instances the run conf does not define, and
// cycles of links between instances, which no start order can satisfy.
func checkLinks(entries []Entry, confName string, ps *problems) {
	index := map[entryKey]int{}
	for i, e := range entries {
		index[keyOf(e)] = i
	}
	for _, e := range entries {
		for _, l := range e.Links {
			if l.Instance == nil {
				continue
			}
			if _, ok := index[entryKey{l.Container, *l.Instance}]; !ok {
				ps.addf(e.File, l.Line, "link %q targets instance %q of container %q, which is not in %s%s",
					l.Name, *l.Instance, l.Container, confName, DidYouMean(*l.Instance, instancesOf(entries, l.Container)))
			}
		}
	}
	state := make([]int, len(entries)) // 0 new, 1 on the stack, 2 done
	var stack []int
	var visit func(i int)
	visit = func(i int) {
		state[i] = 1
		stack = append(stack, i)
		for _, l := range entries[i].Links {
			if l.Instance == nil {
				continue
			}
			j, ok := index[entryKey{l.Container, *l.Instance}]
			if !ok {
				continue
			}
			switch state[j] {
			case 0:
				visit(j)
			case 1:
				var names []string
				for _, k := range stack[slices.Index(stack, j):] {
					names = append(names, entries[k].Key())
				}
				names = append(names, entries[j].Key())
				ps.addf(entries[i].File, l.Line, "link cycle: %s (instances that link each other cannot start one after the other)", strings.Join(names, " -> "))
			}
		}
		stack = stack[:len(stack)-1]
		state[i] = 2
	}
	for i := range entries {
		if state[i] == 0 {
			visit(i)
		}
	}
}

func instancesOf(entries []Entry, container string) []string {
	var out []string
	for _, e := range entries {
		if e.Container == container {
			out = append(out, e.Instance)
		}
	}
	return out
}
