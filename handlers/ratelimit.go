package handlers

import (
	"sync"
	"time"
)

// Failed log-ins allowed per key in a window. The keys are a known
// device's own (see devices.go), or, for clients without one, the client
// address and the account.
const (
	loginFailureLimit  = 10
	loginFailureWindow = 15 * time.Minute
	limiterMaxKeys     = 100_000
)

// loginLimiter counts failed log-ins in a sliding window. It lives in
// memory: a restart forgets the counts, which is acceptable for throttling.
//
// An attempt is counted before its password is checked (take), as if it
// failed, and given back when it succeeds: checking first and counting
// after the slow password check let 483 of 500 parallel guesses through.
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

// loginAttempt is an attempt reserved under its keys.
type loginAttempt struct {
	keys []string
	at   time.Time
}

// take reserves an attempt under every key, counted as a failure until
// succeeded gives it back. When any key is at its limit it reserves
// nothing and says how long the client has to wait.
func (l *loginLimiter) take(keys ...string) (loginAttempt, time.Duration, bool) {
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
	if wait > 0 {
		return loginAttempt{}, wait, false
	}
	if len(l.failures) > limiterMaxKeys {
		for k := range l.failures {
			l.prune(k, now)
		}
	}
	for _, k := range keys {
		l.failures[k] = append(l.failures[k], now)
	}
	return loginAttempt{keys: keys, at: now}, 0, true
}

// succeeded gives a successful attempt back, and forgets every failure
// under the forget keys (a device's own earlier typos).
func (l *loginLimiter) succeeded(a loginAttempt, forget ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range a.keys {
		ts := l.failures[k]
		for i := len(ts) - 1; i >= 0; i-- {
			if ts[i].Equal(a.at) {
				ts = append(ts[:i], ts[i+1:]...)
				break
			}
		}
		if len(ts) == 0 {
			delete(l.failures, k)
		} else {
			l.failures[k] = ts
		}
	}
	for _, k := range forget {
		delete(l.failures, k)
	}
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
