package project

import (
	"fmt"
	"strings"
)

// instanceTypes lists the instance types in the order of the DockerOps
// README table.
var instanceTypes = []InstanceType{Standard, Published, Master, Interactive, Safemode}

// typeDefaults are the DockerOps README table's defaults for one type.
type typeDefaults struct {
	linked, publishPorts, persistentData, persistentOpt, persistentLog bool
	safemode, interactive                                              bool
}

var defaultsByType = map[InstanceType]typeDefaults{
	Standard:    {linked: true, persistentLog: true},
	Published:   {linked: true, publishPorts: true},
	Master:      {linked: true, publishPorts: true, persistentData: true},
	Interactive: {linked: true, interactive: true},
	Safemode:    {safemode: true, interactive: true},
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
	case Published, Master, Interactive, Safemode:
		return t
	}
	return Standard
}
