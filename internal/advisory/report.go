package advisory

import (
	"slices"
	"time"

	"github.com/sieve-analytics/sieve/internal/lexicon"
)

// Fleet is what a report reads: the lexicon's SDK fleet.
type Fleet interface {
	ProjectIDs() []int64
	SDKs(projectID int64) []lexicon.SDK
}

// ProjectStatus is one affected project in a report.
type ProjectStatus struct {
	ProjectID        int64     `json:"project_id"`
	ProjectName      string    `json:"project_name"`
	AffectedVersions []string  `json:"affected_versions"`
	AffectedEvents   int64     `json:"affected_events"`
	FirstAffected    time.Time `json:"first_affected_event"`
	LastAffected     time.Time `json:"last_affected_event"`
	CurrentVersions  []string  `json:"unaffected_versions"`
	LastUnaffected   time.Time `json:"last_unaffected_event,omitzero"`
	Updated          bool      `json:"updated"`
}

// Report is the state of the fleet for one advisory.
type Report struct {
	GeneratedAt      time.Time       `json:"generated_at"`
	Advisory         Advisory        `json:"advisory"`
	AffectedProjects int             `json:"affected_projects"`
	UpdatedProjects  int             `json:"updated_projects"`
	UpdatedShare     float64         `json:"updated_share"` // 0..1; 0 when no project is affected
	StillSending     []int64         `json:"still_sending"` // project ids not updated yet
	Projects         []ProjectStatus `json:"projects"`
	// FixedTrafficShare is, over the last TrafficWindowDays UTC days (today
	// included), the share of the affected projects' events from the lib
	// that came from an unaffected version (0..1; 0 without such events).
	FixedTrafficShare float64 `json:"fixed_traffic_share"`
	// Traffic is those events per UTC day, oldest first, every day of the
	// window listed.
	Traffic []DayTraffic `json:"traffic"`
}

// DayTraffic is one UTC day of an advisory's lib in the affected projects:
// events from affected and from unaffected (fixed) versions.
type DayTraffic struct {
	Day      string `json:"day"` // yyyy-mm-dd, UTC
	Affected int64  `json:"affected"`
	Fixed    int64  `json:"fixed"`
}

// TrafficWindowDays is how many days a report's traffic covers.
const TrafficWindowDays = 14

// BuildReport computes the report of advisory a over the fleet. A project
// is affected when it ever sent an event from an affected version of the
// lib; it has updated when it has sent from an unaffected version of the
// same lib after its last affected event. name resolves project names.
// The traffic share reads the fleet's per-day counts (lexicon.SDK.Days).
func BuildReport(a Advisory, fleet Fleet, name func(int64) string, now time.Time) Report {
	rep := Report{GeneratedAt: now.UTC(), Advisory: a, StillSending: []int64{}, Projects: []ProjectStatus{}}
	day := map[string]int{} // yyyy-mm-dd -> index into rep.Traffic
	for i := TrafficWindowDays - 1; i >= 0; i-- {
		d := now.UTC().AddDate(0, 0, -i).Format(time.DateOnly)
		day[d] = len(rep.Traffic)
		rep.Traffic = append(rep.Traffic, DayTraffic{Day: d})
	}
	rng, err := ParseRange(a.Versions)
	if err != nil {
		return rep
	}
	for _, id := range fleet.ProjectIDs() {
		var st ProjectStatus
		sdks := fleet.SDKs(id)
		for _, s := range sdks {
			if s.Lib != a.Lib || s.Events == 0 {
				continue
			}
			if rng.Match(s.Version) {
				st.AffectedVersions = append(st.AffectedVersions, s.Version)
				st.AffectedEvents += s.Events
				if st.FirstAffected.IsZero() || s.FirstSeen.Before(st.FirstAffected) {
					st.FirstAffected = s.FirstSeen
				}
				if s.LastSeen.After(st.LastAffected) {
					st.LastAffected = s.LastSeen
				}
			} else {
				st.CurrentVersions = append(st.CurrentVersions, s.Version)
				if s.LastSeen.After(st.LastUnaffected) {
					st.LastUnaffected = s.LastSeen
				}
			}
		}
		if st.AffectedEvents == 0 {
			continue
		}
		st.ProjectID = id
		if name != nil {
			st.ProjectName = name(id)
		}
		if st.CurrentVersions == nil {
			st.CurrentVersions = []string{}
		}
		slices.Sort(st.AffectedVersions)
		slices.Sort(st.CurrentVersions)
		st.Updated = !st.LastUnaffected.IsZero() && st.LastUnaffected.After(st.LastAffected)
		for _, s := range sdks {
			if s.Lib != a.Lib {
				continue
			}
			affected := rng.Match(s.Version)
			for d, n := range s.Days {
				i, ok := day[d]
				if !ok {
					continue
				}
				if affected {
					rep.Traffic[i].Affected += n
				} else {
					rep.Traffic[i].Fixed += n
				}
			}
		}
		rep.AffectedProjects++
		if st.Updated {
			rep.UpdatedProjects++
		} else {
			rep.StillSending = append(rep.StillSending, id)
		}
		rep.Projects = append(rep.Projects, st)
	}
	if rep.AffectedProjects > 0 {
		rep.UpdatedShare = float64(rep.UpdatedProjects) / float64(rep.AffectedProjects)
	}
	var fixed, all int64
	for _, t := range rep.Traffic[len(rep.Traffic)-7:] {
		fixed += t.Fixed
		all += t.Fixed + t.Affected
	}
	if all > 0 {
		rep.FixedTrafficShare = float64(fixed) / float64(all)
	}
	return rep
}
