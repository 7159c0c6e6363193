package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

// rawClient is one load-generating client: HTTP/1.1 over a single
// kept-alive connection, written by hand and read with http.ReadResponse,
// as load generators such as wrk work. Go's http.Client spends two
// goroutines and several channel hand-offs on every request, which on two
// shared cores is CPU taken from the server under test.
type rawClient struct {
	addr string
	conn net.Conn
	br   *bufio.Reader
	bw   *bufio.Writer
}

func newRawClient(addr string) *rawClient { return &rawClient{addr: addr} }

// do sends one request and reads the whole response.
func (c *rawClient) do(ctx context.Context, method, path, token, body string) (int, []byte, error) {
	if c.conn == nil {
		var d net.Dialer
		conn, err := d.DialContext(ctx, "tcp", c.addr)
		if err != nil {
			return 0, nil, err
		}
		c.conn, c.br, c.bw = conn, bufio.NewReader(conn), bufio.NewWriter(conn)
	}
	deadline := time.Now().Add(time.Minute)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	c.conn.SetDeadline(deadline)
	status, raw, keep, err := c.roundTrip(method, path, token, body)
	if err != nil || !keep {
		c.close()
	}
	return status, raw, err
}

func (c *rawClient) roundTrip(method, path, token, body string) (status int, raw []byte, keep bool, err error) {
	w := c.bw
	w.WriteString(method)
	w.WriteString(" ")
	w.WriteString(path)
	w.WriteString(" HTTP/1.1\r\nHost: ")
	w.WriteString(c.addr)
	w.WriteString("\r\nAuthorization: Bearer ")
	w.WriteString(token)
	if body != "" {
		w.WriteString("\r\nContent-Type: application/json\r\nContent-Length: ")
		w.WriteString(strconv.Itoa(len(body)))
	}
	w.WriteString("\r\n\r\n")
	w.WriteString(body)
	if err := w.Flush(); err != nil {
		return 0, nil, false, err
	}
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil {
		return 0, nil, false, fmt.Errorf("%s %s: %w", method, path, err)
	}
	raw, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, raw, !resp.Close, err
}

func (c *rawClient) close() {
	if c.conn != nil {
		c.conn.Close()
		c.conn = nil
	}
}
