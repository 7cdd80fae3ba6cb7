package project

import (
	"strings"
	"testing"
)

// TestMarshalPlanShape pins the `config,format=json` document: key order,
// [] for empty lists, null for no persistent dir and for an any-instance
// link target.
func TestMarshalPlanShape(t *testing.T) {
	in := Instance{
		Name: "demo-web-master", Container: "web", Instance: "master", Image: "demo/web",
		InstanceType: Master, Hostname: "web-master", Linked: true, PublishPorts: true, PersistentData: true,
		SeedCommand:   "a && b < c",
		Ports:         []Port{{8080, 8080, "tcp"}},
		Links:         []Link{{Name: "DB", Target: ptr("demo-db-one")}, {Name: "ANY", TargetContainer: "db"}},
		Env:           map[string]string{"INSTANCE": "master", "CONTAINER": "web"},
		Volumes:       []Volume{{Source: "/abs/host/path", Target: "/in/container"}},
		PersistentDir: ptr("/abs/project/data_demo/web_master"),
	}
	got, err := MarshalPlan("demo", []Instance{in, {Name: "demo-x-one", InstanceType: Standard}})
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "project": "demo",
  "instances": [
    {
      "name": "demo-web-master",
      "container": "web",
      "instance": "master",
      "image": "demo/web",
      "instance_type": "master",
      "hostname": "web-master",
      "group": "",
      "linked": true,
      "publish_ports": true,
      "persistent_data": true,
      "persistent_log": false,
      "persistent_opt": false,
      "safemode": false,
      "interactive": false,
      "sleep": 0,
      "seed_command": "a && b < c",
      "ports": [
        {
          "container": 8080,
          "host": 8080,
          "protocol": "tcp"
        }
      ],
      "links": [
        {
          "name": "DB",
          "target": "demo-db-one"
        },
        {
          "name": "ANY",
          "target": null
        }
      ],
      "env": {
        "CONTAINER": "web",
        "INSTANCE": "master"
      },
      "volumes": [
        {
          "source": "/abs/host/path",
          "target": "/in/container"
        }
      ],
      "persistent_dir": "/abs/project/data_demo/web_master"
    },
    {
      "name": "demo-x-one",
      "container": "",
      "instance": "",
      "image": "",
      "instance_type": "standard",
      "hostname": "",
      "group": "",
      "linked": false,
      "publish_ports": false,
      "persistent_data": false,
      "persistent_log": false,
      "persistent_opt": false,
      "safemode": false,
      "interactive": false,
      "sleep": 0,
      "seed_command": "",
      "ports": [],
      "links": [],
      "env": {},
      "volumes": [],
      "persistent_dir": null
    }
  ]
}`
	if string(got) != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	empty, _ := MarshalPlan("demo", nil)
	if !strings.Contains(string(empty), `"instances": []`) {
		t.Errorf("no instances: %s", empty)
	}
}
