package project

import (
	"fmt"
	"strings"
)

// instanceTypes lists the instance types in the order of the DockerOps
// README table, then the types DockerOps v0.5 added.
var instanceTypes = []InstanceType{Standard, Published, Master, Interactive, Safemode, Persistent, Debug}

// typeDefaults are the DockerOps README table's defaults for one type.
type typeDefaults struct {
	linked, publishPorts, persistentData, persistentOpt, persistentLog bool
	safemode, interactive                                              bool
}

// The defaults follow DockerOps's code, which every release agrees on:
// standard and published keep no logs, master and persistent do. (The
// README copy of d92abea swaps persistent_log between standard and master;
// its own README was corrected in 6ea9eaf.)
var defaultsByType = map[InstanceType]typeDefaults{
	Standard:    {linked: true},
	Published:   {linked: true, publishPorts: true},
	Master:      {linked: true, publishPorts: true, persistentData: true, persistentLog: true},
	Interactive: {linked: true, interactive: true},
	Safemode:    {safemode: true, interactive: true},
	Persistent:  {linked: true, persistentData: true, persistentLog: true},
	Debug:       {safemode: true, interactive: true},
}

// ParseInstanceType checks an instance type name.
func ParseInstanceType(s string) (InstanceType, error) {
	t := InstanceType(s)
	if _, ok := defaultsByType[t]; ok {
		return t, nil
	}
	names := make([]string, len(instanceTypes))
	for i, t := range instanceTypes {
		names[i] = string(t)
	}
	return "", fmt.Errorf("invalid instance_type %q%s; valid: %s", s, DidYouMean(s, names), strings.Join(names, ", "))
}

// TypeForInstance is the type an instance gets when none is given: its own
// name when that names a type other than standard, else standard.
func TypeForInstance(instance string) InstanceType {
	switch t := InstanceType(instance); t {
	case Published, Master, Interactive, Safemode, Persistent, Debug:
		return t
	}
	return Standard
}
