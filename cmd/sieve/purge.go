package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

// purgeCmd is `sieve purge`: it submits a purge to the server's API
// (SIEVE_ADDR, SIEVE_ADMIN_KEY), follows it with a progress bar and prints
// the certificate (JSON) on stdout. `sieve purge status ID` prints a job.
// `sieve purge --scope FILE` purges everything a scope report (the output
// of `sieve scope`) or scope criteria list: one job per affected project,
// followed in turn; it prints the certificates as a JSON array.
func purgeCmd(args []string) error {
	fs := flag.NewFlagSet("purge", flag.ContinueOnError)
	addr := fs.String("addr", env("SIEVE_ADDR", "127.0.0.1:8080"), "server address or URL")
	project := fs.Int64("project", 0, "project id")
	var props, ids, events strList
	fs.Var(&props, "property", "property path to remove (repeatable), e.g. password or $elements[].attr__value; $set.x for profiles")
	fs.Var(&ids, "distinct-id", "distinct_id whose events (and, without a time range, profile) to delete (repeatable)")
	fs.Var(&events, "event", "event name to delete (repeatable)")
	from := fs.String("from", "", "start of the time range (RFC 3339)")
	to := fs.String("to", "", "end of the time range (RFC 3339)")
	noWait := fs.Bool("no-wait", false, "submit and print the job without waiting")
	scopeFile := fs.String("scope", "", "scope report or scope criteria JSON file ('-' for stdin): purge everything the report lists")
	if len(args) > 0 && args[0] == "status" {
		if err := fs.Parse(args[1:]); err != nil || fs.NArg() != 1 {
			if errors.Is(err, flag.ErrHelp) {
				fmt.Println("usage: sieve purge status JOB_ID")
				return err
			}
			return errors.New("purge: usage: sieve purge status JOB_ID")
		}
		c := newAPIClient(*addr, 5*time.Minute)
		code, body, err := c.do("GET", "/api/purges/"+fs.Arg(0), nil)
		if err != nil {
			return err
		}
		if code != http.StatusOK {
			return c.err(code, body)
		}
		_, err = os.Stdout.Write(append(indent(body), '\n'))
		return err
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errors.New("purge: unexpected arguments; see sieve purge -h")
	}
	if *scopeFile != "" {
		if len(props) > 0 || len(ids) > 0 || len(events) > 0 {
			return errors.New("purge: --scope cannot be combined with --property, --distinct-id or --event: the report says what goes")
		}
		return purgeScope(newAPIClient(*addr, 5*time.Minute), *scopeFile, *project, *from, *to, *noWait)
	}
	req := map[string]any{"project_id": *project}
	if len(props) > 0 {
		req["properties"] = []string(props)
	}
	if len(ids) > 0 {
		req["distinct_ids"] = []string(ids)
	}
	if len(events) > 0 {
		req["events"] = []string(events)
	}
	if *from != "" {
		req["from"] = *from
	}
	if *to != "" {
		req["to"] = *to
	}
	c := newAPIClient(*addr, 5*time.Minute)
	b, _ := json.Marshal(req)
	code, body, err := c.do("POST", "/api/purges", b)
	if err != nil {
		return err
	}
	if code != http.StatusAccepted {
		return c.err(code, body)
	}
	var job purgeJob
	if err := json.Unmarshal(body, &job); err != nil {
		return errors.New("purge: the server's answer is not a job")
	}
	fmt.Fprintf(os.Stderr, "purge job %s queued\n", job.ID)
	if *noWait {
		_, err = os.Stdout.Write(append(indent(body), '\n'))
		return err
	}
	job, err = followPurge(c, job)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "purge job %s done: %s; certificate follows\n", job.ID, changes(job.Certificate))
	_, err = os.Stdout.Write(append(indent(job.Certificate), '\n'))
	return err
}

// changes says what a purge certificate counts, each kind apart: events
// deleted and changed, profiles deleted and changed, findings deleted.
func changes(cert json.RawMessage) string {
	var c struct {
		RowsDeleted int64 `json:"rows_deleted"`
		RowsChanged int64 `json:"rows_changed"`
		State       struct {
			ProfilesDeleted int64 `json:"profiles_deleted"`
			ProfilesChanged int64 `json:"profiles_changed"`
			FindingsDeleted int64 `json:"findings_deleted"`
		} `json:"state"`
	}
	if json.Unmarshal(cert, &c) != nil {
		return "see the certificate"
	}
	return fmt.Sprintf("%d events deleted, %d events changed, %d profiles deleted, %d profiles changed, %d findings deleted",
		c.RowsDeleted, c.RowsChanged, c.State.ProfilesDeleted, c.State.ProfilesChanged, c.State.FindingsDeleted)
}

// purgeJob is what the CLI reads of a purge job.
type purgeJob struct {
	ID          string  `json:"id"`
	Status      string  `json:"status"`
	Progress    float64 `json:"progress"`
	RowsChanged int64   `json:"rows_changed"`
	Error       string  `json:"error"`
	Criteria    struct {
		ProjectID int64 `json:"project_id"`
	} `json:"criteria"`
	Certificate json.RawMessage `json:"certificate"`
}

// followPurge polls job until it ends, drawing a progress bar on stderr.
// A failed job is an error.
func followPurge(c *apiClient, job purgeJob) (purgeJob, error) {
	tty := isTerminal(os.Stderr)
	last := ""
	for job.Status != "done" && job.Status != "failed" {
		time.Sleep(300 * time.Millisecond)
		code, body, err := c.do("GET", "/api/purges/"+job.ID, nil)
		if err != nil {
			return job, err
		}
		if code != http.StatusOK {
			return job, c.err(code, body)
		}
		if err := json.Unmarshal(body, &job); err != nil {
			return job, errors.New("purge: the server's answer is not a job")
		}
		const width = 30
		n := max(0, min(width, int(job.Progress*width)))
		line := fmt.Sprintf("purge [%s] %5.1f%%  %s", strings.Repeat("#", n)+strings.Repeat(".", width-n), job.Progress*100, job.Status)
		if tty {
			fmt.Fprint(os.Stderr, "\r"+line)
		} else if line != last {
			fmt.Fprintln(os.Stderr, line)
		}
		last = line
	}
	if tty {
		fmt.Fprintln(os.Stderr)
	}
	if job.Status == "failed" {
		return job, fmt.Errorf("purge: job %s failed: %s", job.ID, job.Error)
	}
	return job, nil
}

// purgeScope submits a scope purge and follows its jobs.
func purgeScope(c *apiClient, file string, project int64, from, to string, noWait bool) error {
	var b []byte
	var err error
	if file == "-" {
		b, err = io.ReadAll(io.LimitReader(os.Stdin, 64<<20))
	} else {
		b, err = os.ReadFile(file)
	}
	if err != nil {
		return fmt.Errorf("purge: read the scope file: %w", err)
	}
	var probe map[string]json.RawMessage
	if json.Unmarshal(b, &probe) != nil || probe == nil {
		return errors.New("purge: the scope file must hold a JSON object: a scope report (sieve scope's output) or scope criteria")
	}
	req := map[string]any{"scope": json.RawMessage(b)}
	if project > 0 {
		req["project_id"] = project
	}
	if from != "" {
		req["from"] = from
	}
	if to != "" {
		req["to"] = to
	}
	body, _ := json.Marshal(req)
	if _, ok := probe["projects"]; !ok {
		fmt.Fprintln(os.Stderr, "purge: computing the scope report on the server first")
		c.cl.Timeout = 30 * time.Minute // a rescan of many events
	}
	code, out, err := c.do("POST", "/api/purges", body)
	if err != nil {
		return err
	}
	if code != http.StatusAccepted && code != http.StatusOK {
		return c.err(code, out)
	}
	var ans struct {
		Jobs    []purgeJob `json:"jobs"`
		Message string     `json:"message"`
	}
	if err := json.Unmarshal(out, &ans); err != nil {
		return errors.New("purge: the server's answer is not a list of jobs")
	}
	if len(ans.Jobs) == 0 {
		fmt.Fprintln(os.Stderr, "purge: "+ans.Message)
		_, err = os.Stdout.Write([]byte("[]\n"))
		return err
	}
	for _, j := range ans.Jobs {
		fmt.Fprintf(os.Stderr, "purge job %s queued (project %d)\n", j.ID, j.Criteria.ProjectID)
	}
	if noWait {
		_, err = os.Stdout.Write(append(indent(out), '\n'))
		return err
	}
	certs := make([]json.RawMessage, 0, len(ans.Jobs))
	var failed []string
	for _, j := range ans.Jobs {
		j, err := followPurge(c, j)
		if err != nil {
			if j.Status != "failed" {
				return err
			}
			fmt.Fprintln(os.Stderr, err)
			failed = append(failed, j.ID)
		} else {
			fmt.Fprintf(os.Stderr, "purge job %s done (project %d): %s\n", j.ID, j.Criteria.ProjectID, changes(j.Certificate))
		}
		if len(j.Certificate) > 0 {
			certs = append(certs, j.Certificate)
		}
	}
	cb, _ := json.Marshal(certs)
	if _, err := os.Stdout.Write(append(indent(cb), '\n')); err != nil {
		return err
	}
	if len(failed) > 0 {
		return fmt.Errorf("purge: %d of %d jobs failed: %s", len(failed), len(ans.Jobs), strings.Join(failed, ", "))
	}
	fmt.Fprintf(os.Stderr, "%d purge jobs done; certificates follow\n", len(ans.Jobs))
	return nil
}

type strList []string

func (l *strList) String() string     { return strings.Join(*l, ",") }
func (l *strList) Set(s string) error { *l = append(*l, s); return nil }

func indent(b []byte) []byte {
	var out bytes.Buffer
	if json.Indent(&out, b, "", "  ") != nil {
		return b
	}
	return out.Bytes()
}
