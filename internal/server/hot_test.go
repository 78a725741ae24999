package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestHotPropertiesFromLexicon: the embedded store keeps the project's
// frequent properties from the lexicon as columns of the files it seals
// (here at shutdown), beside its defaults, and never a property the guard
// acted on.
func TestHotPropertiesFromLexicon(t *testing.T) {
	var stdout bytes.Buffer
	dir := t.TempDir()
	cfg := Config{Addr: "127.0.0.1:0", DataDir: dir, AdminKey: "server-test-admin-key",
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Console: &stdout}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	<-srv.Ready()
	token := ""
	for _, line := range strings.Split(stdout.String(), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "token:" {
			token = f[1]
		}
	}
	now := time.Now().Unix()
	var batch []string
	for i := range 20 {
		batch = append(batch, fmt.Sprintf(`{"event":"e","properties":{"token":%q,"distinct_id":"u%d","time":%d,"$insert_id":"h%d","plan":"pro","amount":%d,"password":"Hunter2-canary"}}`, token, i, now, i, i))
	}
	if code, b := call(t, "POST", "http://"+srv.Addr()+"/track", "", "", "data=["+strings.Join(batch, ",")+"]"); code != 200 {
		t.Fatalf("track: %d %s", code, b)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "store", "MANIFEST"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Parts []struct {
			Files []struct {
				Hot []string `json:"hot"`
			} `json:"files"`
		} `json:"parts"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range m.Parts {
		for _, f := range p.Files {
			n++
			if !slices.Contains(f.Hot, "$browser") || !slices.Contains(f.Hot, "plan") || !slices.Contains(f.Hot, "amount") || slices.Contains(f.Hot, "password") {
				t.Errorf("a sealed file's hot properties: %v", f.Hot)
			}
		}
	}
	if n == 0 {
		t.Fatalf("no sealed file: %s", b)
	}
}
