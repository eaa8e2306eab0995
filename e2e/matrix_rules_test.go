package e2e

import (
	"context"

	"spotcheck"
)

// The departments' 一细则 (issue 12, item 4): the portal's pages are
// public; the department admins keep their subtree's documents, so the
// form of another department's does not exist for them (404) and
// publishing it is refused (403). The fixture publishes the city
// bureau's first version, so that the public pages of {dept} and
// {version} have a document to show.
func init() {
	publicPaths = append(publicPaths, "/rules")
	resources = append(resources, resource{"rules", listEdit, listEdit, true, true, "", ""})
}

// rulesParam fills {dept} and {version} of the rules routes.
func rulesParam(name string) (value, dept string, err error) {
	if name == "version" {
		return "1", cityBureau, nil
	}
	return cityBureau, cityBureau, nil
}

// makeRulesFixture publishes the city bureau's document, version 1.
func makeRulesFixture(ctx context.Context, a *app) error {
	d := &spotcheck.RulesDoc{Dept: cityBureau, Title: "权限矩阵：实施细则", EffectiveFrom: "2026-01-01",
		Rules:    "1. 抽查比例不低于3%{参数:" + spotcheck.ParamFloorRatio + "}。",
		Workflow: "1. 制定计划。\n2. 按期公示{参数:" + spotcheck.ParamPublication + "}。"}
	return a.DB.Rules().PublishRulesDoc(ctx, d)
}
