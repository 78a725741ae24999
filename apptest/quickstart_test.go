package apptest

import (
	"bufio"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestReadmeQuickstart runs the curl commands of the README's quickstart,
// as written, against a server (with its address, token and secret put in):
// the event sent by the first must come back from the second.
func TestReadmeQuickstart(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed")
	}
	f, err := os.Open("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cmds []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "curl "):
			cmds = append(cmds, line)
		case len(cmds) > 0 && strings.HasSuffix(cmds[len(cmds)-1], `\`):
			cmds[len(cmds)-1] = strings.TrimSuffix(cmds[len(cmds)-1], `\`) + " " + line
		}
	}
	if len(cmds) != 2 {
		t.Fatalf("the README's quickstart has %d curl commands, this test expects 2 (send, export)", len(cmds))
	}
	s := startServer(t, serverOpts{})
	p := s.createProject("quickstart")
	run := func(cmd string) string {
		t.Helper()
		cmd = strings.NewReplacer("127.0.0.1:8080", s.addr, "TOKEN", p.Token, "API_SECRET", p.APISecret).Replace(cmd)
		out, err := exec.Command("bash", "-c", cmd).CombinedOutput()
		if err != nil {
			t.Fatalf("quickstart command failed: %v\n%s", err, out)
		}
		return string(out)
	}
	if out := run(cmds[0]); strings.TrimSpace(out) != `{"status":1,"error":null}` {
		t.Errorf("send: %s", out)
	}
	out := run(cmds[1])
	if !strings.Contains(out, `"event":"Signed up"`) || !strings.Contains(out, `"plan":"pro"`) || !strings.Contains(out, `"distinct_id":"u1"`) {
		t.Errorf("export does not show the event: %s", out)
	}
}
