package main

import (
	"bufio"
	"strings"
	"testing"
)

func TestRawClientReadsResponses(t *testing.T) {
	for _, tc := range []struct {
		raw    string
		status int
		body   string
		keep   bool
		err    bool
	}{
		{"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-length: 7\r\n\r\n{\"a\":1}", 200, `{"a":1}`, true, false},
		{"HTTP/1.1 204 No Content\r\nDate: x\r\n\r\n", 204, "", true, false},
		{"HTTP/1.1 409 Conflict\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}", 409, "{}", false, false},
		{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", 0, "", false, true},
		{"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nshort", 200, "", true, true},
		{"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", 0, "", false, true},
		{"SMTP 220 hello\r\n\r\n", 0, "", false, true},
		{"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", 0, "", false, true},
		{"", 0, "", false, true},
	} {
		c := &rawClient{br: bufio.NewReader(strings.NewReader(tc.raw))}
		status, body, keep, err := c.readResponse()
		if (err != nil) != tc.err {
			t.Errorf("%q: err = %v", tc.raw, err)
			continue
		}
		if err == nil && (status != tc.status || string(body) != tc.body || keep != tc.keep) {
			t.Errorf("%q: got %d %q keep=%v, want %d %q keep=%v", tc.raw, status, body, keep, tc.status, tc.body, tc.keep)
		}
	}
}

// Two responses in a row on one connection: the second is read from where
// the first ended.
func TestRawClientReadsKeptAliveResponses(t *testing.T) {
	c := &rawClient{br: bufio.NewReader(strings.NewReader(
		"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\noneHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ntwo"))}
	for _, want := range []string{"one", "two"} {
		_, body, _, err := c.readResponse()
		if err != nil || string(body) != want {
			t.Fatalf("body %q, %v; want %q", body, err, want)
		}
	}
}
