package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

// apiClient calls the server's API with the admin key.
type apiClient struct {
	base, key string
	cl        *http.Client
}

// newAPIClient returns a client of the server at addr (host:port or URL);
// the admin key comes from SIEVE_ADMIN_KEY.
func newAPIClient(addr string, timeout time.Duration) *apiClient {
	base := addr
	if !strings.Contains(base, "://") {
		base = "http://" + base
	}
	return &apiClient{base: strings.TrimSuffix(base, "/"), key: os.Getenv("SIEVE_ADMIN_KEY"), cl: &http.Client{Timeout: timeout}}
}

func (c *apiClient) do(method, path string, body []byte) (int, []byte, error) {
	if c.key == "" {
		return 0, nil, errors.New("SIEVE_ADMIN_KEY must hold the admin key")
	}
	req, err := http.NewRequest(method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, errors.New("SIEVE_ADDR is not a valid address")
	}
	req.Header.Set("Authorization", "Bearer "+c.key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.cl.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("cannot reach the server: %w", err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, 1<<30))
	if err != nil {
		return 0, nil, fmt.Errorf("read the server's answer: %w", err)
	}
	return resp.StatusCode, out, nil
}

func (c *apiClient) err(status int, body []byte) error {
	var e struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(body, &e) == nil && e.Error != "" {
		return fmt.Errorf("the server answered %d: %s", status, e.Error)
	}
	return fmt.Errorf("the server answered %d", status)
}
