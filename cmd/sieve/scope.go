package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// listFlag collects a repeatable or comma-separated flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error {
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*l = append(*l, p)
		}
	}
	return nil
}

// scopeCmd runs `sieve scope`: it posts criteria to the server's
// /api/scope (SIEVE_ADDR, SIEVE_ADMIN_KEY), follows a rescan with a progress
// bar on stderr, and prints the report JSON on stdout.
func scopeCmd(args []string) error {
	fs := flag.NewFlagSet("scope", flag.ContinueOnError)
	addr := fs.String("addr", env("SIEVE_ADDR", "127.0.0.1:8080"), "server address or URL")
	from := fs.String("from", "", "RFC 3339 start time")
	to := fs.String("to", "", "RFC 3339 end time (exclusive)")
	rescan := fs.Bool("rescan", false, "run the current guard policy over stored events")
	criteria := fs.String("criteria", "", "criteria JSON file ('-' for stdin); flags add to it")
	var classes, detectors, props, events, projects listFlag
	fs.Var(&classes, "class", "class (repeatable or comma-separated)")
	fs.Var(&detectors, "detector", "detector (repeatable)")
	fs.Var(&props, "property", "property name or glob pattern (repeatable)")
	fs.Var(&events, "event", "event name (repeatable)")
	fs.Var(&projects, "project", "project id (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	key := os.Getenv("SIEVE_ADMIN_KEY")
	if key == "" {
		return errors.New("scope: set SIEVE_ADMIN_KEY to the server's admin key")
	}
	c := map[string]any{}
	if *criteria != "" {
		var b []byte
		var err error
		if *criteria == "-" {
			b, err = io.ReadAll(io.LimitReader(os.Stdin, 1<<20))
		} else {
			b, err = os.ReadFile(*criteria)
		}
		if err != nil {
			return fmt.Errorf("scope: read criteria: %w", err)
		}
		if err := json.Unmarshal(b, &c); err != nil {
			return errors.New("scope: the criteria file is not a JSON object")
		}
	}
	set := func(k string, v []string) {
		if len(v) > 0 {
			c[k] = v
		}
	}
	set("classes", classes)
	set("detectors", detectors)
	set("properties", props)
	set("events", events)
	if len(projects) > 0 {
		ids := make([]int64, 0, len(projects))
		for _, p := range projects {
			n, err := strconv.ParseInt(p, 10, 64)
			if err != nil || n <= 0 {
				return errors.New("scope: --project takes positive project ids")
			}
			ids = append(ids, n)
		}
		c["project_ids"] = ids
	}
	if *from != "" {
		c["from"] = *from
	}
	if *to != "" {
		c["to"] = *to
	}
	if *rescan {
		c["rescan"] = true
	}
	api := newAPIClient(*addr, 10*time.Minute)
	body, _ := json.Marshal(c)
	status, out, err := api.do("POST", "/api/scope", body)
	if err != nil {
		return err
	}
	switch status {
	case http.StatusOK:
		_, err = os.Stdout.Write(out)
		return err
	case http.StatusAccepted:
	default:
		return api.err(status, out)
	}
	var job struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(out, &job); err != nil || job.ID == "" {
		return errors.New("scope: the server's answer is not a rescan job")
	}
	tty := isTerminal(os.Stderr)
	for {
		time.Sleep(300 * time.Millisecond)
		status, out, err = api.do("GET", "/api/scope/"+job.ID, nil)
		if err != nil {
			return err
		}
		if status != http.StatusOK {
			return api.err(status, out)
		}
		var st struct {
			Status  string          `json:"status"`
			Scanned int64           `json:"scanned_events"`
			Total   int64           `json:"total_events"`
			Percent float64         `json:"percent"`
			Rate    float64         `json:"events_per_sec"`
			Error   string          `json:"error"`
			Report  json.RawMessage `json:"report"`
		}
		if err := json.Unmarshal(out, &st); err != nil {
			return errors.New("scope: the server's answer is not a rescan status")
		}
		fmt.Fprint(os.Stderr, progressBar(st.Percent, st.Scanned, st.Total, st.Rate, tty))
		switch st.Status {
		case "done":
			fmt.Fprintln(os.Stderr)
			_, err = os.Stdout.Write(append(st.Report, '\n'))
			return err
		case "failed":
			fmt.Fprintln(os.Stderr)
			return errors.New("scope: " + st.Error)
		}
	}
}

func progressBar(pct float64, scanned, total int64, rate float64, tty bool) string {
	const width = 30
	n := int(pct / 100 * width)
	n = max(0, min(width, n))
	bar := strings.Repeat("#", n) + strings.Repeat(".", width-n)
	line := fmt.Sprintf("rescan [%s] %5.1f%%  %d/%d events  %.0f events/s", bar, pct, scanned, total, rate)
	if tty {
		return "\r" + line
	}
	return line + "\n"
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
