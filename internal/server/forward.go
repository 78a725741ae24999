package server

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/sieve-analytics/sieve/internal/alert"
	"github.com/sieve-analytics/sieve/internal/forward"
	"github.com/sieve-analytics/sieve/internal/purge"
	"github.com/sieve-analytics/sieve/internal/store"
)

// newForwarder opens event forwarding (<data>/forward, docs/FORWARDING.md)
// and feeds it the events ingestion stored.
func (s *Server) newForwarder() error {
	fw, err := forward.New(forward.Options{Dir: filepath.Join(s.cfg.DataDir, "forward"), Log: s.cfg.Log,
		AllowPrivate: s.cfg.AllowPrivateWebhooks,
		OnStall: func(project int64, name string, since time.Time, queued int64) {
			s.alerter.Raise(alert.Alert{ProjectID: project, Signal: alert.ForwardStalled, Path: name, Observed: float64(queued),
				Message: fmt.Sprintf("forwarding destination %q has failed every delivery since %s; %d events are queued", name,
					since.UTC().Format(time.RFC3339), queued)}, name)
		},
		OnDeadLetter: func(project int64, name string, records int, reason string) {
			s.alerter.Raise(alert.Alert{ProjectID: project, Signal: alert.ForwardDeadLetter, Path: name, Observed: float64(records),
				Message: fmt.Sprintf("forwarding destination %q: %d records moved to its dead-letter file: %s", name, records, reason)}, name)
		}})
	if err != nil {
		return err
	}
	s.forward = fw
	s.ingest.SetStoredSink(fw.Append)
	s.ingest.SetForwardOnly(fw.ForwardOnly)
	s.ingest.SetAdmit(fw.Admit)
	s.api.SetEventForwarder(fw)
	s.background = append(s.background, fw.Run)
	return nil
}

// forwardMetrics registers the forwarding gauges, by destination.
func (s *Server) forwardMetrics() {
	fw := s.forward
	gauge := func(i int) func() map[string]float64 {
		return func() map[string]float64 {
			q, l, f, sk, dl := fw.Gauges()
			return [...]map[string]float64{q, l, f, sk, dl}[i]
		}
	}
	s.metrics.GaugeVec("sieve_forward_queued_records", "Events in the forwarding outbox not yet delivered, by destination (project/name).", "destination", gauge(0))
	s.metrics.GaugeVec("sieve_forward_lag_seconds", "Age of the oldest event not yet delivered, by destination.", "destination", gauge(1))
	s.metrics.GaugeVec("sieve_forward_failures", "Consecutive failed deliveries, by destination.", "destination", gauge(2))
	s.metrics.GaugeVec("sieve_forward_skipped_records", "Records a destination refused for good since start (moved to its dead-letter file), by destination.", "destination", gauge(3))
	s.metrics.GaugeVec("sieve_forward_dead_letter_records", "Records in a destination's dead-letter file, by destination.", "destination", gauge(4))
}

// forwardPurging is the purge backend that first applies a purge's rules
// to the events and profile updates still queued for forwarding, then to
// the store: its events, then its profiles.
type forwardPurging struct {
	purge.Backend
	fw *forward.Forwarder
}

func (p forwardPurging) queued(rules []store.PurgeRule) error {
	rs := make([]forward.Rule, len(rules))
	for i, r := range rules {
		rs[i] = forward.Rule{Project: r.Project, From: r.From, To: r.To, DistinctIDs: r.DistinctIDs, Events: r.Events,
			Paths: r.Paths, DeleteEvents: r.DeleteEvents, ProfilePaths: r.ProfilePaths, EraseProfiles: r.EraseProfiles}
	}
	_, err := p.fw.Purge(rs)
	return err
}

func (p forwardPurging) PurgeEvents(ctx context.Context, job store.PurgeJob) (store.PurgeEventsResult, error) {
	if err := p.queued(job.Rules); err != nil {
		return store.PurgeEventsResult{}, err
	}
	return p.Backend.PurgeEvents(ctx, job)
}

func (p forwardPurging) PurgeState(ctx context.Context, job store.StatePurgeJob) (store.StateResult, error) {
	if err := p.queued(job.Rules); err != nil {
		return store.StateResult{}, err
	}
	return p.Backend.PurgeState(ctx, job)
}
