package guard_test

import (
	"fmt"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/guard"
)

func ExampleChecker_Event() {
	pol := guard.Policy{Actions: map[guard.Class]guard.Action{guard.SecretToken: guard.Redact}}
	c, err := guard.New().Compile(pol, "project-token", []byte("per-project-hash-key"))
	if err != nil {
		panic(err)
	}
	var p fastjson.Parser
	props, _ := p.Parse(`{"$current_url":"https://app.example.com/cb?code=4AX4XfWh7Jq2Zk&utm_source=mail","password":"hunter2","plan":"pro"}`)
	ev := event.Event{ProjectID: 1, Name: "Signed In", DistinctID: "u42", Props: props}
	var a fastjson.Arena
	findings, drop := c.Event(&ev, &a, nil)
	fmt.Println(props, drop)
	for _, f := range findings {
		fmt.Println(f.Path, f.Class, f.Detector, f.Action)
	}
	// Output:
	// {"$current_url":"https://app.example.com/cb?code=[redacted]&utm_source=mail","plan":"pro"} false
	// $current_url secret_token url.param redact
	// password password key.password drop_property
}
