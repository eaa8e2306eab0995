package spotcheck

import "slices"

// Action names one transition of a state machine: "commit", "run",
// "lift-embargo". Actions are ASCII and stable, because the change
// history records them.
type Action string

// Transition is one row of a state machine's table: Action may be taken
// in any state of From, leads to To ("" when the record stays in its
// state), and needs Perm of the actor, within the scope that the record's
// Can method applies.
type Transition struct {
	Action Action
	From   []string
	To     string
	Perm   Permission
}

// Machine is a state machine given as a table, so that the states a
// workflow may pass and what each step needs are read in one place, and
// the table test can walk every state × action. Each aggregate with a
// workflow declares one Machine (DrawMachine; the task's next) and gives
// its type two methods over it:
//
//	Can(action, principal) error   may p take action now? nil, or the
//	                               error that says why not (EUNAUTHORIZED,
//	                               EFORBIDDEN, ENOTFOUND, ECONFLICT)
//	Next(action) (state, error)    the state the record is in afterwards
//
// The store calls both inside the transaction that writes, with the
// record as it loaded it there, and persists the state Next returns; the
// pages call Can to decide which buttons to show. Neither is written
// again anywhere else. See doc.go for adding a machine.
type Machine struct {
	States []string          // every state, in the order a record passes them
	Names  map[string]string // the states as pages show them
	Table  []Transition
}

// Transition returns the row of action a.
func (m *Machine) Transition(a Action) (Transition, bool) {
	for _, t := range m.Table {
		if t.Action == a {
			return t, true
		}
	}
	return Transition{}, false
}

// Actions lists the machine's actions in table order.
func (m *Machine) Actions() []Action {
	out := make([]Action, len(m.Table))
	for i, t := range m.Table {
		out[i] = t.Action
	}
	return out
}

// Check returns nil when action a may be taken in state, an ECONFLICT
// error that names the record (as "抽取 12") and its state when it may
// not, and EINVALID for an action the machine does not have.
func (m *Machine) Check(record, state string, a Action) error {
	t, ok := m.Transition(a)
	if !ok {
		return Errorf(EINVALID, "%s没有“%s”这一操作", record, a)
	}
	if !slices.Contains(t.From, state) {
		name := m.Names[state]
		if name == "" {
			name = state
		}
		return Errorf(ECONFLICT, "%s 当前状态为“%s”，不能进行此操作", record, name)
	}
	return nil
}

// Next returns the state after action a from state (see Check for the
// errors).
func (m *Machine) Next(record, state string, a Action) (string, error) {
	if err := m.Check(record, state, a); err != nil {
		return "", err
	}
	if t, _ := m.Transition(a); t.To != "" {
		return t.To, nil
	}
	return state, nil
}

// except returns the states of all other than those given, for the From
// of an action that most states allow.
func except(all []string, states ...string) []string {
	return slices.DeleteFunc(slices.Clone(all), func(s string) bool { return slices.Contains(states, s) })
}
