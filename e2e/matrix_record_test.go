package e2e

// recordReaders are the pages of a resource read by another group than
// the resource's readers. The 联合总表 of a joint visit is read like the
// inspection records it combines (issue 11): by the staff of the visit's
// departments who read inspections, and by the inspectors of its team,
// who print it and have it signed; not only by those who plan and draw.
// The route is scoped like the visit: a user outside its departments who
// may read inspections finds no such visit (404).
var recordReaders = map[string]group{"GET /staff/visits/{id}/record": inspView}
