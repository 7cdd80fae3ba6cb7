package project

import (
	"errors"
	"fmt"
	"maps"
	"slices"
)

// BuildList returns the containers to build, in order. "all" (or no
// target) is BuildOrder; otherwise the named containers, each after the
// project containers it is built FROM (transitively), without repeats.
func (p *Project) BuildList(targets []string) ([]string, error) {
	for _, t := range targets {
		if t == "all" {
			return append([]string{}, p.BuildOrder...), nil
		}
	}
	if len(targets) == 0 {
		return append([]string{}, p.BuildOrder...), nil
	}
	var errs []error
	for _, t := range targets {
		if p.Containers[t] == nil {
			errs = append(errs, fmt.Errorf("no container %q in %s%s", t, p.appsName(), DidYouMean(t, slices.Sorted(maps.Keys(p.Containers)))))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	var order []string
	state := map[string]int{} // 0 new, 1 visiting, 2 done
	var visit func(name string)
	visit = func(name string) {
		if state[name] != 0 {
			return // done, or a FROM cycle, which Load has already refused
		}
		state[name] = 1
		for _, dep := range p.Containers[name].DependsOn {
			visit(dep)
		}
		state[name] = 2
		order = append(order, name)
	}
	for _, t := range targets {
		visit(t)
	}
	return order, nil
}
