// Command flashcards is the spaced-repetition server and its admin tool.
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
	err := run(context.Background(), os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return // -h or --help after a command: its usage is printed
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "flashcards:", err)
		os.Exit(1)
	}
}
