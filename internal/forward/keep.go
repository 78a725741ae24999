package forward

import "fmt"

// keepSecrets resolves the destinations of ds that ask to keep their stored
// secrets (KeepSecrets): a token, secret or GDPR token (same GDPR host) left empty takes the value
// project id's destination of the same name holds. Kind and host must not
// have changed, so a kept credential is never sent somewhere new; a
// destination that keeps and has nothing stored under its name is refused.
// The answers never show secrets, so this is how an editor changes one
// destination of several without typing the others' tokens again.
func (f *Forwarder) keepSecrets(id int64, ds []Destination) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range ds {
		d := &ds[i]
		if !d.KeepSecrets {
			continue
		}
		d.KeepSecrets = false
		var old *Destination
		for j := range f.dests[id] {
			if f.dests[id][j].Name == d.Name {
				old = &f.dests[id][j]
			}
		}
		if old == nil {
			return fmt.Errorf("%w: destination %s: keep_secrets: no stored destination has this name (type its token)", ErrInvalid, d.Name)
		}
		if old.Kind != d.Kind || trimHost(old.Host) != trimHost(d.Host) {
			return fmt.Errorf("%w: destination %s: keep_secrets: the kind or host changed, so its token and secret must be typed anew", ErrInvalid, d.Name)
		}
		if d.Token == "" {
			d.Token = old.Token
		}
		if d.Secret == "" {
			d.Secret = old.Secret
		}
		if d.GDPRToken == "" && d.GDPRHost == old.GDPRHost {
			d.GDPRToken = old.GDPRToken
		}
	}
	return nil
}

func trimHost(h string) string {
	for len(h) > 0 && h[len(h)-1] == '/' {
		h = h[:len(h)-1]
	}
	return h
}
