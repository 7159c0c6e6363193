package handlers

import (
	"sync"
	"time"
)

// Failed log-ins allowed per client address and per user name in a window.
const (
	loginFailureLimit  = 10
	loginFailureWindow = 15 * time.Minute
	limiterMaxKeys     = 100_000
)

// loginLimiter counts failed log-ins in a sliding window. It lives in
// memory: a restart forgets the counts, which is acceptable for throttling.
type loginLimiter struct {
	mu       sync.Mutex
	limit    int
	window   time.Duration
	now      func() time.Time
	failures map[string][]time.Time
}

func newLoginLimiter(limit int, window time.Duration, now func() time.Time) *loginLimiter {
	return &loginLimiter{limit: limit, window: window, now: now, failures: map[string][]time.Time{}}
}

// blocked reports whether any of the keys is over the limit, and for how
// long the client has to wait.
func (l *loginLimiter) blocked(keys ...string) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	var wait time.Duration
	for _, k := range keys {
		ts := l.prune(k, now)
		if len(ts) >= l.limit {
			if w := ts[len(ts)-l.limit].Add(l.window).Sub(now); w > wait {
				wait = w
			}
		}
	}
	return wait, wait > 0
}

// fail records a failure under every key.
func (l *loginLimiter) fail(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if len(l.failures) > limiterMaxKeys {
		for k := range l.failures {
			l.prune(k, now)
		}
	}
	for _, k := range keys {
		l.failures[k] = append(l.prune(k, now), now)
	}
}

// reset forgets a key's failures, after a successful log-in.
func (l *loginLimiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, key)
}

func (l *loginLimiter) prune(key string, now time.Time) []time.Time {
	ts := l.failures[key]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= l.window {
		i++
	}
	ts = ts[i:]
	if len(ts) == 0 {
		delete(l.failures, key)
		return nil
	}
	l.failures[key] = ts
	return ts
}
