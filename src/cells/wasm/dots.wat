;; Dot products of matrix rows with vectors, in f64x2 SIMD: the one product both cells need.
;;
;;   dots(P, rows, cols, V, n, out, stride):
;;     out[t * stride + r] = dot(M[r, :], V[t, :])   for r < rows, t < n
;;
;; V is n x cols, row-major f64. The rows x cols matrix M comes as panels (packPanels in
;; wasm-kernels.ts), so the loop over k reads one contiguous stream through one pointer:
;;
;;   rows 4b..4b+3 form panel b: for each pair k = 2p, 2p + 1, the four rows' pairs
;;   (M[4b, k..k+1], M[4b+1, k..k+1], M[4b+2, k..k+1], M[4b+3, k..k+1]), 64 bytes; then, when
;;   cols is odd, the four rows' last elements (32 bytes). The last rows % 4 rows follow,
;;   row-major. Every pointer is a byte offset into this module's memory.
;;
;; Every dot product is summed in one fixed order that depends on cols only (never on rows, n,
;; or where the row falls in a block), so a row's value does not depend on which other rows or
;; vectors share the call:
;;
;;   s0 = sum over even k of M[k] V[k], s1 = sum over odd k of M[k] V[k], each left to right
;;   from +0; dot = s0 + s1, then + M[cols-1] V[cols-1] when cols is odd.
;;
;; Lane 0 of an f64x2 accumulator is s0 and lane 1 is s1. f64x2.mul and f64x2.add round each
;; lane as scalar IEEE arithmetic does (no fused multiply-add), so scalar code following the
;; same order (kernels.ts) gives the same bits.
;;
;; Blocking: 4 rows x 2 vectors (8 accumulators) while both remain, so each weight loaded serves
;; two vectors; then 4 rows x 1 vector, two pairs of columns per pass; then single rows. Measured
;; side by side: the panels were 1.2-1.5x faster than 4 row pointers for one vector, and two
;; pairs per pass 3-7% faster than one; unrolling the 2-vector loop that way, or giving one
;; vector 8 accumulators (8 rows, or 2 per row), ran about 1.5x slower, likely from V8 spilling
;; registers.
(module
  (memory (export "memory") 1)

  (func (export "dots")
    (param $P i32) (param $rows i32) (param $cols i32) (param $V i32) (param $n i32)
    (param $out i32) (param $stride i32)
    (local $rowBytes i32) (local $pairBytes i32) (local $panelPairs i32) (local $strideBytes i32)
    (local $r i32) (local $t i32) (local $panel i32) (local $p i32) (local $end i32)
    (local $v0 i32) (local $v1 i32) (local $o i32) (local $tail i32)
    (local $w0 v128) (local $w1 v128) (local $w2 v128) (local $w3 v128)
    (local $q i32) (local $x v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 3)))
    (local.set $pairBytes (i32.shl (i32.and (local.get $cols) (i32.const -2)) (i32.const 3)))
    ;; The pairs of a panel take 4 x pairBytes; the whole panel 4 x rowBytes.
    (local.set $panelPairs (i32.shl (local.get $pairBytes) (i32.const 2)))
    (local.set $strideBytes (i32.shl (local.get $stride) (i32.const 3)))

    (local.set $r (i32.const 0))
    (local.set $panel (local.get $P))
    (block $rowsDone
      (loop $rowBlock
        (br_if $rowsDone (i32.gt_u (i32.add (local.get $r) (i32.const 4)) (local.get $rows)))
        (local.set $end (i32.add (local.get $panel) (local.get $panelPairs)))
        (local.set $tail (local.get $end))

        ;; 4 rows x 2 vectors.
        (local.set $t (i32.const 0))
        (local.set $v0 (local.get $V))
        (local.set $o (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 3))))
        (block $pairsDone
          (loop $vectorPair
            (br_if $pairsDone (i32.gt_u (i32.add (local.get $t) (i32.const 2)) (local.get $n)))
            (local.set $v1 (i32.add (local.get $v0) (local.get $rowBytes)))
            (local.set $a0 (v128.const f64x2 0 0)) (local.set $a1 (v128.const f64x2 0 0))
            (local.set $a2 (v128.const f64x2 0 0)) (local.set $a3 (v128.const f64x2 0 0))
            (local.set $b0 (v128.const f64x2 0 0)) (local.set $b1 (v128.const f64x2 0 0))
            (local.set $b2 (v128.const f64x2 0 0)) (local.set $b3 (v128.const f64x2 0 0))
            (local.set $p (local.get $panel))
            (local.set $q (local.get $v0))
            (block $kDone
              (loop $kLoop
                (br_if $kDone (i32.ge_u (local.get $p) (local.get $end)))
                (local.set $w0 (v128.load offset=0 (local.get $p)))
                (local.set $w1 (v128.load offset=16 (local.get $p)))
                (local.set $w2 (v128.load offset=32 (local.get $p)))
                (local.set $w3 (v128.load offset=48 (local.get $p)))
                (local.set $x (v128.load (i32.add (local.get $q) (local.get $rowBytes))))
                (local.set $b0 (f64x2.add (local.get $b0) (f64x2.mul (local.get $w0) (local.get $x))))
                (local.set $b1 (f64x2.add (local.get $b1) (f64x2.mul (local.get $w1) (local.get $x))))
                (local.set $b2 (f64x2.add (local.get $b2) (f64x2.mul (local.get $w2) (local.get $x))))
                (local.set $b3 (f64x2.add (local.get $b3) (f64x2.mul (local.get $w3) (local.get $x))))
                (local.set $x (v128.load (local.get $q)))
                (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $w0) (local.get $x))))
                (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $w1) (local.get $x))))
                (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $w2) (local.get $x))))
                (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $w3) (local.get $x))))
                (local.set $p (i32.add (local.get $p) (i32.const 64)))
                (local.set $q (i32.add (local.get $q) (i32.const 16)))
                (br $kLoop)))
            (f64.store offset=0 (local.get $o) (f64.add (f64x2.extract_lane 0 (local.get $a0)) (f64x2.extract_lane 1 (local.get $a0))))
            (f64.store offset=8 (local.get $o) (f64.add (f64x2.extract_lane 0 (local.get $a1)) (f64x2.extract_lane 1 (local.get $a1))))
            (f64.store offset=16 (local.get $o) (f64.add (f64x2.extract_lane 0 (local.get $a2)) (f64x2.extract_lane 1 (local.get $a2))))
            (f64.store offset=24 (local.get $o) (f64.add (f64x2.extract_lane 0 (local.get $a3)) (f64x2.extract_lane 1 (local.get $a3))))
            (if (i32.and (local.get $cols) (i32.const 1))
              (then (call $odd4 (local.get $o) (local.get $tail) (f64.load (i32.add (local.get $v0) (local.get $pairBytes))))))
            (local.set $o (i32.add (local.get $o) (local.get $strideBytes)))
            (f64.store offset=0 (local.get $o) (f64.add (f64x2.extract_lane 0 (local.get $b0)) (f64x2.extract_lane 1 (local.get $b0))))
            (f64.store offset=8 (local.get $o) (f64.add (f64x2.extract_lane 0 (local.get $b1)) (f64x2.extract_lane 1 (local.get $b1))))
            (f64.store offset=16 (local.get $o) (f64.add (f64x2.extract_lane 0 (local.get $b2)) (f64x2.extract_lane 1 (local.get $b2))))
            (f64.store offset=24 (local.get $o) (f64.add (f64x2.extract_lane 0 (local.get $b3)) (f64x2.extract_lane 1 (local.get $b3))))
            (if (i32.and (local.get $cols) (i32.const 1))
              (then (call $odd4 (local.get $o) (local.get $tail) (f64.load (i32.add (local.get $v1) (local.get $pairBytes))))))
            (local.set $o (i32.add (local.get $o) (local.get $strideBytes)))
            (local.set $v0 (i32.add (local.get $v1) (local.get $rowBytes)))
            (local.set $t (i32.add (local.get $t) (i32.const 2)))
            (br $vectorPair)))

        ;; 4 rows x the last vector, when n is odd.
        (if (i32.lt_u (local.get $t) (local.get $n))
          (then
            (local.set $a0 (v128.const f64x2 0 0)) (local.set $a1 (v128.const f64x2 0 0))
            (local.set $a2 (v128.const f64x2 0 0)) (local.set $a3 (v128.const f64x2 0 0))
            (local.set $p (local.get $panel))
            (local.set $q (local.get $v0))
            ;; Two pairs of columns per pass while they remain (fewer loop branches; the same
            ;; accumulators, so the same order), then the last pair.
            (block $kDone1
              (loop $kLoop1
                (br_if $kDone1 (i32.ge_u (i32.add (local.get $p) (i32.const 64)) (local.get $end)))
                (local.set $x (v128.load offset=0 (local.get $q)))
                (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (v128.load offset=0 (local.get $p)) (local.get $x))))
                (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (v128.load offset=16 (local.get $p)) (local.get $x))))
                (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (v128.load offset=32 (local.get $p)) (local.get $x))))
                (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (v128.load offset=48 (local.get $p)) (local.get $x))))
                (local.set $x (v128.load offset=16 (local.get $q)))
                (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (v128.load offset=64 (local.get $p)) (local.get $x))))
                (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (v128.load offset=80 (local.get $p)) (local.get $x))))
                (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (v128.load offset=96 (local.get $p)) (local.get $x))))
                (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (v128.load offset=112 (local.get $p)) (local.get $x))))
                (local.set $p (i32.add (local.get $p) (i32.const 128)))
                (local.set $q (i32.add (local.get $q) (i32.const 32)))
                (br $kLoop1)))
            (if (i32.lt_u (local.get $p) (local.get $end))
              (then
                (local.set $x (v128.load offset=0 (local.get $q)))
                (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (v128.load offset=0 (local.get $p)) (local.get $x))))
                (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (v128.load offset=16 (local.get $p)) (local.get $x))))
                (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (v128.load offset=32 (local.get $p)) (local.get $x))))
                (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (v128.load offset=48 (local.get $p)) (local.get $x))))))
            (f64.store offset=0 (local.get $o) (f64.add (f64x2.extract_lane 0 (local.get $a0)) (f64x2.extract_lane 1 (local.get $a0))))
            (f64.store offset=8 (local.get $o) (f64.add (f64x2.extract_lane 0 (local.get $a1)) (f64x2.extract_lane 1 (local.get $a1))))
            (f64.store offset=16 (local.get $o) (f64.add (f64x2.extract_lane 0 (local.get $a2)) (f64x2.extract_lane 1 (local.get $a2))))
            (f64.store offset=24 (local.get $o) (f64.add (f64x2.extract_lane 0 (local.get $a3)) (f64x2.extract_lane 1 (local.get $a3))))
            (if (i32.and (local.get $cols) (i32.const 1))
              (then (call $odd4 (local.get $o) (local.get $tail) (f64.load (i32.add (local.get $v0) (local.get $pairBytes))))))))

        (local.set $panel (i32.add (local.get $panel) (i32.shl (local.get $rowBytes) (i32.const 2))))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $rowBlock)))

    ;; The last rows % 4 rows, row-major after the panels, one row and one vector at a time.
    (block $tailDone
      (loop $tailRow
        (br_if $tailDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $end (i32.add (local.get $panel) (local.get $pairBytes)))
        (local.set $t (i32.const 0))
        (local.set $v0 (local.get $V))
        (block $tailVectorsDone
          (loop $tailVector
            (br_if $tailVectorsDone (i32.ge_u (local.get $t) (local.get $n)))
            (local.set $a0 (v128.const f64x2 0 0))
            (local.set $p (local.get $panel))
            (local.set $q (local.get $v0))
            (block $kDone2
              (loop $kLoop2
                (br_if $kDone2 (i32.ge_u (local.get $p) (local.get $end)))
                (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (v128.load (local.get $p)) (v128.load (local.get $q)))))
                (local.set $p (i32.add (local.get $p) (i32.const 16)))
                (local.set $q (i32.add (local.get $q) (i32.const 16)))
                (br $kLoop2)))
            (local.set $o (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $t) (local.get $stride)) (local.get $r)) (i32.const 3))))
            (f64.store (local.get $o) (f64.add (f64x2.extract_lane 0 (local.get $a0)) (f64x2.extract_lane 1 (local.get $a0))))
            (if (i32.and (local.get $cols) (i32.const 1))
              (then (f64.store (local.get $o) (f64.add (f64.load (local.get $o))
                (f64.mul (f64.load (local.get $end)) (f64.load (i32.add (local.get $v0) (local.get $pairBytes))))))))
            (local.set $v0 (i32.add (local.get $v0) (local.get $rowBytes)))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br $tailVector)))
        (local.set $panel (i32.add (local.get $panel) (local.get $rowBytes)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $tailRow))))

;; When cols is odd, dot = (s0 + s1) + M[cols-1] V[cols-1]: adds the last products of four rows
  ;; (their last elements at byte offset $m, 8 apart) times x = V[cols-1] to the sums at $o.
  (func $odd4 (param $o i32) (param $m i32) (param $x f64)
    (f64.store offset=0 (local.get $o) (f64.add (f64.load offset=0 (local.get $o)) (f64.mul (f64.load offset=0 (local.get $m)) (local.get $x))))
    (f64.store offset=8 (local.get $o) (f64.add (f64.load offset=8 (local.get $o)) (f64.mul (f64.load offset=8 (local.get $m)) (local.get $x))))
    (f64.store offset=16 (local.get $o) (f64.add (f64.load offset=16 (local.get $o)) (f64.mul (f64.load offset=16 (local.get $m)) (local.get $x))))
    (f64.store offset=24 (local.get $o) (f64.add (f64.load offset=24 (local.get $o)) (f64.mul (f64.load offset=24 (local.get $m)) (local.get $x))))))
