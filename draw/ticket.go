package draw

import (
	"bytes"
	"crypto/sha256"
	"encoding"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"math/bits"
)

// pow19 is 10^19, the largest power of ten below 2^64.
const pow19 = 10_000_000_000_000_000_000

// Ticket returns the full consistent-sampler ticket "0.…" of entity for the
// draw with seed seedHex (spec §5):
//
//	sh     = hex(H(seed_hex ‖ ":select"))
//	x      = H(sh ‖ e), a 256-bit big-endian integer
//	digits = decimal(x), left-padded with zeros to at least 64 characters
//	ticket = "0." ‖ reverse(digits)
func Ticket(seedHex, entity string) string {
	t := newTicketer(seedHex)
	return string(appendTicket(nil, t.hash([]byte(entity))))
}

// ticketer hashes entities for one seed. sh is exactly one SHA-256 block,
// so the hasher's state after it is saved once and restored for every
// entity, which halves the work.
type ticketer struct {
	h     hash.Hash
	state []byte
	sum   [32]byte
}

func newTicketer(seedHex string) *ticketer {
	s := sha256.Sum256([]byte(seedHex + ":select"))
	h := sha256.New()
	h.Write([]byte(hex.EncodeToString(s[:])))
	state, err := h.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		panic(err) // crypto/sha256 always marshals
	}
	return &ticketer{h: h, state: state}
}

// hash returns x = H(sh ‖ e). The result is overwritten by the next call.
func (t *ticketer) hash(e []byte) *[32]byte {
	if err := t.h.(encoding.BinaryUnmarshaler).UnmarshalBinary(t.state); err != nil {
		panic(err)
	}
	t.h.Write(e)
	t.h.Sum(t.sum[:0])
	return &t.sum
}

// ticketKey returns the first 19 digits of the ticket of x as an integer:
// x mod 10^19 with its 19 decimal digits (zero-padded) reversed. Keys order
// tickets except when they are equal (spec §5, implementation hint).
func ticketKey(x *[32]byte) uint64 {
	var r uint64
	for i := 0; i < 32; i += 8 {
		_, r = bits.Div64(r, binary.BigEndian.Uint64(x[i:]), pow19)
	}
	var k uint64
	for j := 0; j < 19; j++ {
		k = k*10 + r%10
		r /= 10
	}
	return k
}

// appendTicket appends the full ticket of x to dst: "0.", the decimal
// digits of x from the least significant one, then zeros up to 64 digits.
func appendTicket(dst []byte, x *[32]byte) []byte {
	var limbs [4]uint64
	for i := range limbs {
		limbs[i] = binary.BigEndian.Uint64(x[8*i:])
	}
	dst = append(dst, '0', '.')
	n := 0
	for {
		var r uint64
		for i := range limbs {
			limbs[i], r = bits.Div64(r, limbs[i], pow19)
		}
		if limbs == [4]uint64{} {
			// The most significant chunk: no leading zeros of decimal(x).
			for {
				dst = append(dst, '0'+byte(r%10))
				n++
				if r /= 10; r == 0 {
					break
				}
			}
			break
		}
		for j := 0; j < 19; j++ {
			dst = append(dst, '0'+byte(r%10))
			r /= 10
		}
		n += 19
	}
	for ; n < 64; n++ {
		dst = append(dst, '0')
	}
	return dst
}

// appendTicket18 appends ticket18, the first 20 characters of the ticket
// ("0." and 18 digits, spec §7), from its key.
func appendTicket18(dst []byte, key uint64) []byte {
	var d [20]byte
	d[0], d[1] = '0', '.'
	k := key / 10
	for i := 19; i >= 2; i-- {
		d[i] = '0' + byte(k%10)
		k /= 10
	}
	return append(dst, d[:]...)
}

// item is an entity of the frame (its line index) with its ticket key.
type item struct {
	key uint64
	idx uint32
}

// order compares items by (ticket, entity_id) as spec §5 requires: by key,
// and on equal keys by the full tickets, then by entity_id.
type order struct {
	p      *inputs
	t      *ticketer
	ta, tb []byte
}

func (o *order) cmp(a, b item) int {
	switch {
	case a.key < b.key:
		return -1
	case a.key > b.key:
		return 1
	case a.idx == b.idx:
		return 0
	}
	ea, eb := o.p.entity(int(a.idx)), o.p.entity(int(b.idx))
	o.ta = appendTicket(o.ta[:0], o.t.hash(ea))
	o.tb = appendTicket(o.tb[:0], o.t.hash(eb))
	if c := bytes.Compare(o.ta, o.tb); c != 0 {
		return c
	}
	return bytes.Compare(ea, eb)
}

// nthKey returns the k-th smallest (1-based) of keys, reordering keys. It
// is a quickselect with a median-of-three pivot; the keys are hashes, so
// the expected cost is linear.
func nthKey(keys []uint64, k int) uint64 {
	lo, hi := 0, len(keys)-1
	k--
	for lo < hi {
		mid := lo + (hi-lo)/2
		a, b, c := keys[lo], keys[mid], keys[hi]
		pivot := max(min(a, b), min(max(a, b), c))
		i, j := lo, hi
		for i <= j {
			for keys[i] < pivot {
				i++
			}
			for keys[j] > pivot {
				j--
			}
			if i <= j {
				keys[i], keys[j] = keys[j], keys[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return keys[k]
		}
	}
	return keys[k]
}
