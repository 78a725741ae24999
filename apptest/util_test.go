package apptest

import (
	"encoding/base64"
	"errors"
	"net/http"
)

func basic(user, pass string) http.Header {
	return http.Header{"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))}}
}

func asErr[T error](err error, target *T) bool { return errors.As(err, target) }
