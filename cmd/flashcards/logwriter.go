package main

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// logFlushEvery bounds how long a log line waits in the buffer.
const logFlushEvery = 100 * time.Millisecond

// bufferedLog collects log lines and writes them in batches: a request
// line per request would otherwise cost a write system call each, which
// under load is a tenth of the server's CPU. Lines reach the output within
// logFlushEvery, warnings and errors at once.
type bufferedLog struct {
	mu  sync.Mutex
	buf *bufio.Writer
}

func newBufferedLog(w io.Writer) *bufferedLog {
	return &bufferedLog{buf: bufio.NewWriterSize(w, 64<<10)}
}

func (b *bufferedLog) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// Flush writes out what is buffered.
func (b *bufferedLog) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Flush()
}

// flushEvery flushes the buffer periodically until ctx ends, then once more.
func (b *bufferedLog) flushEvery(ctx context.Context, d time.Duration) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			b.Flush()
		case <-ctx.Done():
			b.Flush()
			return
		}
	}
}

// flushingHandler flushes the log after each record at or above a level,
// so warnings and errors are never held back.
type flushingHandler struct {
	slog.Handler
	log   *bufferedLog
	level slog.Level
}

func (h flushingHandler) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if r.Level >= h.level {
		h.log.Flush()
	}
	return err
}

func (h flushingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return flushingHandler{h.Handler.WithAttrs(attrs), h.log, h.level}
}

func (h flushingHandler) WithGroup(name string) slog.Handler {
	return flushingHandler{h.Handler.WithGroup(name), h.log, h.level}
}
