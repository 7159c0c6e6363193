package main

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a strings.Builder safe for the flushing goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Request lines wait in the buffer for the next tick; a warning takes
// everything before it out at once.
func TestBufferedLogHoldsInfoAndFlushesWarnings(t *testing.T) {
	var out syncBuffer
	b := newBufferedLog(&out)
	log := slog.New(flushingHandler{slog.NewTextHandler(b, nil), b, slog.LevelWarn})
	log.Info("request", "path", "/a")
	if got := out.String(); got != "" {
		t.Fatalf("an info line was written at once: %q", got)
	}
	log.Warn("slow disk")
	if got := out.String(); !strings.Contains(got, "path=/a") || !strings.Contains(got, "slow disk") {
		t.Fatalf("after a warning the output is %q", got)
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { b.flushEvery(ctx, 10*time.Millisecond); close(done) }()
	log.Info("request", "path", "/b")
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(out.String(), "path=/b"); {
		if time.Now().After(deadline) {
			t.Fatal("the ticker never flushed the info line")
		}
		time.Sleep(5 * time.Millisecond)
	}
	log.Info("request", "path", "/c")
	cancel()
	<-done
	if !strings.Contains(out.String(), "path=/c") {
		t.Fatal("stopping did not flush the last line")
	}
}
