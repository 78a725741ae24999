package duckdb

import (
	"context"
	"database/sql"

	"github.com/sieve-analytics/sieve/internal/event"
)

// Person merging (event.ProfileRow.MergeFrom). The table st.person_ids maps
// a distinct_id that was merged into another person to that person's id:
// the id its people profile is stored under. A person's id is never itself
// a key of the table: a merge re-points every id that led to the merged
// person. Profiles, updates and purges read ids through it.

// personIDsDDL creates the person_ids table in the attached database alias.
func personIDsDDL(alias, ifNotExists string) string {
	return `CREATE TABLE ` + ifNotExists + alias + `.person_ids (
			project_id BIGINT NOT NULL, id VARCHAR NOT NULL, person VARCHAR NOT NULL,
			PRIMARY KEY (project_id, id))`
}

type personKey struct {
	project int64
	id      string
}

// personMap is the part of person_ids one commit reads, with the merges of
// the commit applied in memory; merges lists them for writing.
type personMap struct {
	m      map[personKey]string
	merges []personMerge
}

type personMerge struct {
	project           int64
	from, src, person string
}

// loadPersons reads the person_ids rows of every people id (and merge
// source) that group's updates name.
func loadPersons(ctx context.Context, conn *sql.Conn, group []*call) (*personMap, error) {
	pm := &personMap{m: map[personKey]string{}}
	want := map[int64][]any{}
	seen := map[personKey]bool{}
	note := func(p int64, id string) {
		k := personKey{p, id}
		if id == "" || seen[k] {
			return
		}
		seen[k] = true
		want[p] = append(want[p], id)
	}
	for _, c := range group {
		for i := range c.profiles {
			u := &c.profiles[i]
			if u.Kind == event.People {
				note(u.ProjectID, u.ID)
				note(u.ProjectID, u.MergeFrom)
			}
		}
	}
	for p, ids := range want {
		for len(ids) > 0 {
			chunk := ids[:min(len(ids), 500)]
			ids = ids[len(chunk):]
			rows, err := conn.QueryContext(ctx, "SELECT id, person FROM st.person_ids WHERE project_id = ? AND id IN ("+
				placeholders(len(chunk))+")", append([]any{p}, chunk...)...)
			if err != nil {
				return nil, safeErr("read person ids", err)
			}
			for rows.Next() {
				var id, person string
				if err := rows.Scan(&id, &person); err != nil {
					rows.Close()
					return nil, safeErr("read person ids", err)
				}
				pm.m[personKey{p, id}] = person
			}
			err = rows.Err()
			rows.Close()
			if err != nil {
				return nil, safeErr("read person ids", err)
			}
		}
	}
	return pm, nil
}

// resolve returns the person id stands for.
func (pm *personMap) resolve(project int64, id string) string {
	if p, ok := pm.m[personKey{project, id}]; ok {
		return p
	}
	return id
}

// merge records that from, whose person is src, now belongs to person.
func (pm *personMap) merge(project int64, from, src, person string) {
	for k, v := range pm.m {
		if k.project == project && v == src {
			pm.m[k] = person
		}
	}
	pm.m[personKey{project, from}] = person
	pm.m[personKey{project, src}] = person
	pm.merges = append(pm.merges, personMerge{project, from, src, person})
}

// write stores the merges, in order, inside the commit's transaction.
func (pm *personMap) write(ctx context.Context, conn *sql.Conn) error {
	for _, m := range pm.merges {
		if _, err := conn.ExecContext(ctx, "UPDATE st.person_ids SET person = ? WHERE project_id = ? AND person = ?",
			m.person, m.project, m.src); err != nil {
			return safeErr("write person ids", err)
		}
		for _, id := range []string{m.from, m.src} {
			if _, err := conn.ExecContext(ctx, "INSERT OR REPLACE INTO st.person_ids VALUES (?, ?, ?)",
				m.project, id, m.person); err != nil {
				return safeErr("write person ids", err)
			}
		}
	}
	return nil
}
