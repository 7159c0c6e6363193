package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"
)

// rawClient is one load-generating client: HTTP/1.1 over a single
// kept-alive connection, written and read by hand, as load generators such
// as wrk work. Go's http.Client spends two
// goroutines and several channel hand-offs on every request, which on two
// shared cores is CPU taken from the server under test.
type rawClient struct {
	addr string
	conn net.Conn
	br   *bufio.Reader
	bw   *bufio.Writer
	body []byte // the last response's body
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
	status, raw, keep, err = c.readResponse()
	if err != nil {
		err = fmt.Errorf("%s %s: %w", method, path, err)
	}
	return status, raw, keep, err
}

// readResponse reads a response with a Content-Length or none (204): all
// this server sends to the review API. It reads only the status and the
// two headers it needs, which costs a fraction of http.ReadResponse's
// parsing every header into a map. The body is valid until the next call.
func (c *rawClient) readResponse() (status int, body []byte, keep bool, err error) {
	line, err := c.br.ReadSlice('\n')
	if err != nil {
		return 0, nil, false, err
	}
	proto, rest, _ := strings.Cut(strings.TrimRight(string(line), "\r\n"), " ")
	code, _, _ := strings.Cut(rest, " ")
	if status, err = strconv.Atoi(code); err != nil || !strings.HasPrefix(proto, "HTTP/1.") {
		return 0, nil, false, fmt.Errorf("malformed status line %q", line)
	}
	length, keep := 0, true
	for {
		line, err := c.br.ReadSlice('\n')
		if err != nil {
			return 0, nil, false, err
		}
		h := strings.TrimRight(string(line), "\r\n")
		if h == "" {
			break
		}
		name, value, ok := strings.Cut(h, ":")
		if !ok {
			return 0, nil, false, fmt.Errorf("malformed header %q", h)
		}
		value = strings.TrimSpace(value)
		switch {
		case strings.EqualFold(name, "Content-Length"):
			if length, err = strconv.Atoi(value); err != nil || length < 0 {
				return 0, nil, false, fmt.Errorf("malformed Content-Length %q", value)
			}
		case strings.EqualFold(name, "Transfer-Encoding"):
			return 0, nil, false, fmt.Errorf("the bench client reads no %s body", value)
		case strings.EqualFold(name, "Connection") && strings.EqualFold(value, "close"):
			keep = false
		}
	}
	if cap(c.body) < length {
		c.body = make([]byte, length)
	}
	body = c.body[:length]
	_, err = io.ReadFull(c.br, body)
	return status, body, keep, err
}

func (c *rawClient) close() {
	if c.conn != nil {
		c.conn.Close()
		c.conn = nil
	}
}
