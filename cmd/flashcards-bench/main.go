// Command flashcards-bench is the load generator of the review path. It is
// a program of its own so that the server binary does not carry it; the
// server it loads is the flashcards binary, started as a child process.
// main is a thin shell around run, which tests call directly.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
)

func main() {
	err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return // -h or --help: the usage is printed
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "flashcards-bench:", err)
		os.Exit(1)
	}
}
