package project

import (
	"bytes"
	"encoding/json"
)

// plan is the shape of `dockerops config,format=json`.
type plan struct {
	Project   string     `json:"project"`
	Instances []Instance `json:"instances"`
}

// MarshalPlan renders resolved instances as the `config,format=json`
// document {"project": ..., "instances": [...]}, indented by two spaces,
// without a trailing newline. Empty lists print as [], never null.
func MarshalPlan(project string, instances []Instance) ([]byte, error) {
	pl := plan{Project: project, Instances: make([]Instance, len(instances))}
	for i, in := range instances {
		if in.Ports == nil {
			in.Ports = []Port{}
		}
		if in.Links == nil {
			in.Links = []Link{}
		}
		if in.Volumes == nil {
			in.Volumes = []Volume{}
		}
		if in.Env == nil {
			in.Env = map[string]string{}
		}
		pl.Instances[i] = in
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // seed commands and env values often hold & < >
	enc.SetIndent("", "  ")
	if err := enc.Encode(pl); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
