// Command check-rules validates Prometheus rule files as `promtool check rules` does: each file is
// read by Prometheus' own rulefmt.ParseFile (strict YAML, PromQL of every expr, the Go templates of
// labels and annotations, durations, names), and a rule that appears twice in a group is an error
// (promtool's duplicate-rules lint). promtool itself is not built: it links every service
// discovery of Prometheus (about 200 modules, 123 MB, 7.7 minutes to build on the 2-core machine)
// for the same check. Prints "<file>: N rules found" per good file; exits 1 on any problem.
package main

import (
	"fmt"
	"os"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: check-rules FILE...")
		os.Exit(2)
	}
	problems := 0
	for _, file := range os.Args[1:] {
		groups, errs := rulefmt.ParseFile(file, false, model.UTF8Validation, parser.NewParser(parser.Options{}), nil)
		for _, err := range errs {
			fmt.Fprintf(os.Stderr, "%s: %v\n", file, err)
			problems++
		}
		if groups == nil {
			continue
		}
		rules := 0
		for _, group := range groups.Groups {
			seen := map[string]bool{}
			for _, rule := range group.Rules {
				rules++
				key := rule.Alert + "\x00" + rule.Record + "\x00" + rule.Expr
				for name, value := range rule.Labels {
					key += "\x00" + name + "=" + value
				}
				if seen[key] {
					fmt.Fprintf(os.Stderr, "%s: group %q: rule %q appears twice\n", file, group.Name, rule.Alert+rule.Record)
					problems++
				}
				seen[key] = true
			}
		}
		if len(errs) == 0 {
			fmt.Printf("%s: %d rules found\n", file, rules)
		}
	}
	if problems > 0 {
		os.Exit(1)
	}
}
