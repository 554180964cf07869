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
;;   from -0 (the identity of addition, so a sum of -0 products stays -0: see kernels.ts); dot =
;;   s0 + s1, then + M[cols-1] V[cols-1] when cols is odd.
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

  (func $dots (export "dots")
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
            (local.set $a0 (v128.const f64x2 -0 -0)) (local.set $a1 (v128.const f64x2 -0 -0))
            (local.set $a2 (v128.const f64x2 -0 -0)) (local.set $a3 (v128.const f64x2 -0 -0))
            (local.set $b0 (v128.const f64x2 -0 -0)) (local.set $b1 (v128.const f64x2 -0 -0))
            (local.set $b2 (v128.const f64x2 -0 -0)) (local.set $b3 (v128.const f64x2 -0 -0))
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
            (local.set $a0 (v128.const f64x2 -0 -0)) (local.set $a1 (v128.const f64x2 -0 -0))
            (local.set $a2 (v128.const f64x2 -0 -0)) (local.set $a3 (v128.const f64x2 -0 -0))
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
            (local.set $a0 (v128.const f64x2 -0 -0))
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
    (f64.store offset=24 (local.get $o) (f64.add (f64.load offset=24 (local.get $o)) (f64.mul (f64.load offset=24 (local.get $m)) (local.get $x)))))
  ;; ---------------------------------------------------------------------------------------------
  ;; Activations over arrays, two lanes at a time: the twins of ../math/exp.ts and tanh.ts, which
  ;; explain the method. Every lane performs the same IEEE operations in the same order as the
  ;; scalar code (no fused multiply-add), so lanes and scalars agree bit for bit. The table of
  ;; 2^(j/128) (hi_j, tail_j pairs, 16 bytes each) sits at address 0, and the constants, 16 bytes
  ;; each, from 2048 (KERNEL_CONSTANTS in ../wasm-dots.ts, which writes both): every load of one
  ;; names it, and a test checks each name against its offset and value. Loaded, not v128.const:
  ;; V8 rebuilds a v128.const at each use inside a loop, in three instructions. dst may equal
  ;; src. Each function is one loop with the arithmetic written out: V8 does not inline WebAssembly
  ;; calls, and a call per pair cost about 15%.

  ;; dst[k] = exp(src[k]) for k < n.
  (func $expBlock (export "expBlock") (param $dst i32) (param $src i32) (param $n i32)
    (local $end i32) (local $x v128) (local $y v128) (local $kd v128) (local $k v128) (local $r v128) (local $j v128) (local $e0 v128) (local $e1 v128) (local $r2 v128) (local $tmp v128) (local $hi v128) (local $m v128) (local $m1 v128)
    (local.set $end (i32.add (local.get $src) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
    (block $done
      (loop $pair
        (if (i32.lt_u (local.get $src) (local.get $end))
          (then (local.set $x (v128.load (local.get $src))))
          (else
            (br_if $done (i32.eqz (i32.and (local.get $n) (i32.const 1))))
            (local.set $x (v128.load64_zero (local.get $src)))))
        ;; x clamped to [-746, 710] with pmax/pmin, which keep NaN like the scalar comparisons
        (local.set $x (f64x2.pmin (f64x2.pmax (local.get $x) (v128.load offset=2048 (i32.const 0)) (;X_MIN;)) (v128.load offset=2064 (i32.const 0)) (;X_MAX;)))

        ;; k = round(y N/ln2) sits in the low 32 bits of y N/ln2 + 1.5 * 2^52 (as in the scalar kd | 0)
        (local.set $kd (f64x2.add (f64x2.mul (local.get $x) (v128.load offset=2080 (i32.const 0)) (;INV_LN2_N;)) (v128.load offset=2096 (i32.const 0)) (;ROUND_SHIFT;)))
        (local.set $k (local.get $kd))
        (local.set $kd (f64x2.sub (local.get $kd) (v128.load offset=2096 (i32.const 0)) (;ROUND_SHIFT;)))
        (local.set $r (f64x2.sub (f64x2.sub (local.get $x) (f64x2.mul (local.get $kd) (v128.load offset=2112 (i32.const 0)) (;LN2_HI_N;))) (f64x2.mul (local.get $kd) (v128.load offset=2128 (i32.const 0)) (;LN2_LO_N;))))
        (local.set $j (i64x2.shl (v128.and (local.get $k) (v128.load offset=2144 (i32.const 0)) (;TABLE_MASK;)) (i32.const 4)))
        (local.set $e0 (v128.load (i32.wrap_i64 (i64x2.extract_lane 0 (local.get $j)))))
        (local.set $e1 (v128.load (i32.wrap_i64 (i64x2.extract_lane 1 (local.get $j)))))
        (local.set $r2 (f64x2.mul (local.get $r) (local.get $r)))
        ;; tmp = ((tail_j + r) + r^2 (C2 + C3 r)) + r^4 (C4 + C5 r)
        (local.set $tmp (f64x2.add
          (f64x2.add
            (f64x2.add (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $e0) (local.get $e1)) (local.get $r))
            (f64x2.mul (local.get $r2) (f64x2.add (v128.load offset=2160 (i32.const 0)) (;EXP_C2;) (f64x2.mul (local.get $r) (v128.load offset=2176 (i32.const 0)) (;EXP_C3;)))))
          (f64x2.mul (f64x2.mul (local.get $r2) (local.get $r2)) (f64x2.add (v128.load offset=2192 (i32.const 0)) (;EXP_C4;) (f64x2.mul (local.get $r) (v128.load offset=2208 (i32.const 0)) (;EXP_C5;))))))
        (local.set $hi (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $e0) (local.get $e1)))
        ;; m = k >> 7 in the low word of each 64-bit lane (the high words are ignored below)
        (local.set $m (i32x4.shr_s (local.get $k) (i32.const 7)))

        (local.set $m1 (i32x4.shr_s (local.get $m) (i32.const 1)))
        ;; ((hi + hi tmp) 2^m1) 2^m2, m2 = m - m1: both factors normal, so only the last product rounds
        (local.set $y (f64x2.mul
          (f64x2.mul (f64x2.add (local.get $hi) (f64x2.mul (local.get $hi) (local.get $tmp))) (i64x2.shl (i32x4.add (local.get $m1) (v128.load offset=2224 (i32.const 0)) (;EXPONENT_BIAS;)) (i32.const 52)))
          (i64x2.shl (i32x4.add (i32x4.sub (local.get $m) (local.get $m1)) (v128.load offset=2224 (i32.const 0)) (;EXPONENT_BIAS;)) (i32.const 52))))
        (if (i32.lt_u (local.get $src) (local.get $end))
          (then
            (v128.store (local.get $dst) (local.get $y))
            (local.set $src (i32.add (local.get $src) (i32.const 16)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
            (br $pair)))
        (v128.store64_lane 0 (local.get $dst) (local.get $y)))))

  ;; dst[k] = tanh(src[k]) for k < n. A pair with lanes on both sides of 1/8 computes both ways.
  (func $tanhBlock (export "tanhBlock") (param $dst i32) (param $src i32) (param $n i32)
    (local $end i32) (local $x v128) (local $y v128) (local $kd v128) (local $k v128) (local $r v128) (local $j v128) (local $e0 v128) (local $e1 v128) (local $r2 v128) (local $tmp v128) (local $hi v128) (local $m v128) (local $small v128) (local $s v128) (local $poly v128) (local $a v128) (local $S v128) (local $U v128) (local $Eh v128) (local $El v128) (local $dh v128) (local $dl v128) (local $qh v128) (local $p v128) (local $c v128) (local $qhh v128) (local $qhl v128) (local $dhh v128) (local $dhl v128) (local $rem v128) (local $rh v128)
    (local.set $end (i32.add (local.get $src) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
    (block $done
      (loop $pair
        (if (i32.lt_u (local.get $src) (local.get $end))
          (then (local.set $x (v128.load (local.get $src))))
          (else
            (br_if $done (i32.eqz (i32.and (local.get $n) (i32.const 1))))
            (local.set $x (v128.load64_zero (local.get $src)))))
        (local.set $small (f64x2.lt (f64x2.abs (local.get $x)) (v128.load offset=2240 (i32.const 0)) (;TANH_POLY_UPTO;)))
        (if (v128.any_true (local.get $small))
          (then
            ;; |x| < 1/8: x + x s Q(s), s = x^2; zero keeps its sign
            (local.set $s (f64x2.mul (local.get $x) (local.get $x)))
            (local.set $poly (v128.bitselect
              (local.get $x)
              (f64x2.add (local.get $x) (f64x2.mul (local.get $x) (f64x2.mul (local.get $s) (f64x2.add (v128.load offset=2256 (i32.const 0)) (;TANH_Q0;) (f64x2.mul (local.get $s) (f64x2.add (v128.load offset=2272 (i32.const 0)) (;TANH_Q1;) (f64x2.mul (local.get $s) (f64x2.add (v128.load offset=2288 (i32.const 0)) (;TANH_Q2;) (f64x2.mul (local.get $s) (f64x2.add (v128.load offset=2304 (i32.const 0)) (;TANH_Q3;) (f64x2.mul (local.get $s) (f64x2.add (v128.load offset=2320 (i32.const 0)) (;TANH_Q4;) (f64x2.mul (local.get $s) (v128.load offset=2336 (i32.const 0)) (;TANH_Q5;))))))))))))))
              (f64x2.eq (local.get $x) (v128.const f64x2 0 0))))))
        (if (i64x2.all_true (local.get $small))
          (then (local.set $y (local.get $poly)))
          (else
            ;; 1 - 2 / (exp(2|x|) + 1) in double-double (tanh.ts), 2|x| clamped to 40
            (local.set $a (f64x2.abs (local.get $x)))
            (local.set $a (f64x2.pmin (f64x2.add (local.get $a) (local.get $a)) (v128.load offset=2352 (i32.const 0)) (;TANH_2A_MAX;)))
                ;; k = round(y N/ln2) sits in the low 32 bits of y N/ln2 + 1.5 * 2^52 (as in the scalar kd | 0)
                (local.set $kd (f64x2.add (f64x2.mul (local.get $a) (v128.load offset=2080 (i32.const 0)) (;INV_LN2_N;)) (v128.load offset=2096 (i32.const 0)) (;ROUND_SHIFT;)))
                (local.set $k (local.get $kd))
                (local.set $kd (f64x2.sub (local.get $kd) (v128.load offset=2096 (i32.const 0)) (;ROUND_SHIFT;)))
                (local.set $r (f64x2.sub (f64x2.sub (local.get $a) (f64x2.mul (local.get $kd) (v128.load offset=2112 (i32.const 0)) (;LN2_HI_N;))) (f64x2.mul (local.get $kd) (v128.load offset=2128 (i32.const 0)) (;LN2_LO_N;))))
                (local.set $j (i64x2.shl (v128.and (local.get $k) (v128.load offset=2144 (i32.const 0)) (;TABLE_MASK;)) (i32.const 4)))
                (local.set $e0 (v128.load (i32.wrap_i64 (i64x2.extract_lane 0 (local.get $j)))))
                (local.set $e1 (v128.load (i32.wrap_i64 (i64x2.extract_lane 1 (local.get $j)))))
                (local.set $r2 (f64x2.mul (local.get $r) (local.get $r)))
                ;; tmp = ((tail_j + r) + r^2 (C2 + C3 r)) + r^4 (C4 + C5 r)
                (local.set $tmp (f64x2.add
                  (f64x2.add
                    (f64x2.add (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $e0) (local.get $e1)) (local.get $r))
                    (f64x2.mul (local.get $r2) (f64x2.add (v128.load offset=2160 (i32.const 0)) (;EXP_C2;) (f64x2.mul (local.get $r) (v128.load offset=2176 (i32.const 0)) (;EXP_C3;)))))
                  (f64x2.mul (f64x2.mul (local.get $r2) (local.get $r2)) (f64x2.add (v128.load offset=2192 (i32.const 0)) (;EXP_C4;) (f64x2.mul (local.get $r) (v128.load offset=2208 (i32.const 0)) (;EXP_C5;))))))
                (local.set $hi (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $e0) (local.get $e1)))
                ;; m = k >> 7 in the low word of each 64-bit lane (the high words are ignored below)
                (local.set $m (i32x4.shr_s (local.get $k) (i32.const 7)))
            (local.set $S (f64x2.mul (local.get $hi) (i64x2.shl (i32x4.add (local.get $m) (v128.load offset=2224 (i32.const 0)) (;EXPONENT_BIAS;)) (i32.const 52))))
            (local.set $U (f64x2.mul (local.get $S) (local.get $tmp)))
            (local.set $Eh (f64x2.add (local.get $S) (local.get $U)))
            (local.set $El (f64x2.add (f64x2.sub (local.get $S) (local.get $Eh)) (local.get $U)))
            (local.set $dh (f64x2.add (local.get $Eh) (v128.load offset=2368 (i32.const 0)) (;ONE;)))
            (local.set $dl (f64x2.add (f64x2.add (f64x2.sub (local.get $Eh) (local.get $dh)) (v128.load offset=2368 (i32.const 0)) (;ONE;)) (local.get $El)))
            (local.set $qh (f64x2.div (v128.load offset=2384 (i32.const 0)) (;TWO;) (local.get $dh)))
            (local.set $p (f64x2.mul (local.get $qh) (local.get $dh)))
                (local.set $c (f64x2.mul (v128.load offset=2400 (i32.const 0)) (;SPLIT;) (local.get $qh)))
                (local.set $qhh (f64x2.sub (local.get $c) (f64x2.sub (local.get $c) (local.get $qh))))
                (local.set $qhl (f64x2.sub (local.get $qh) (local.get $qhh)))
                (local.set $c (f64x2.mul (v128.load offset=2400 (i32.const 0)) (;SPLIT;) (local.get $dh)))
                (local.set $dhh (f64x2.sub (local.get $c) (f64x2.sub (local.get $c) (local.get $dh))))
                (local.set $dhl (f64x2.sub (local.get $dh) (local.get $dhh)))
            ;; rem = ((2 - p) - pe) - qh dl, pe = qh dh - p exactly (Dekker)
            (local.set $rem (f64x2.sub
              (f64x2.sub
                (f64x2.sub (v128.load offset=2384 (i32.const 0)) (;TWO;) (local.get $p))
                (f64x2.add
                  (f64x2.add
                    (f64x2.add (f64x2.sub (f64x2.mul (local.get $qhh) (local.get $dhh)) (local.get $p)) (f64x2.mul (local.get $qhh) (local.get $dhl)))
                    (f64x2.mul (local.get $qhl) (local.get $dhh)))
                  (f64x2.mul (local.get $qhl) (local.get $dhl))))
              (f64x2.mul (local.get $qh) (local.get $dl))))
            (local.set $rh (f64x2.sub (v128.load offset=2368 (i32.const 0)) (;ONE;) (local.get $qh)))
            ;; t = rh + (((1 - rh) - qh) - rem (qh / 2)), then the sign of x
            (local.set $y (f64x2.add (local.get $rh)
              (f64x2.sub
                (f64x2.sub (f64x2.sub (v128.load offset=2368 (i32.const 0)) (;ONE;) (local.get $rh)) (local.get $qh))
                (f64x2.mul (local.get $rem) (f64x2.mul (local.get $qh) (v128.load offset=2416 (i32.const 0)) (;HALF;))))))
            (local.set $y (v128.bitselect (f64x2.neg (local.get $y)) (local.get $y) (f64x2.lt (local.get $x) (v128.const f64x2 0 0))))
            (local.set $y (v128.bitselect (local.get $poly) (local.get $y) (local.get $small)))))
        (if (i32.lt_u (local.get $src) (local.get $end))
          (then
            (v128.store (local.get $dst) (local.get $y))
            (local.set $src (i32.add (local.get $src) (i32.const 16)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
            (br $pair)))
        (v128.store64_lane 0 (local.get $dst) (local.get $y)))))


  ;; dst[k] = σ(-src[k]) for k < n: the gates take their pre-activations negated.
  (func $sigmoidNegBlock (export "sigmoidNegBlock") (param $dst i32) (param $src i32) (param $n i32)
    (local $end i32) (local $x v128) (local $y v128) (local $kd v128) (local $k v128) (local $r v128) (local $j v128) (local $e0 v128) (local $e1 v128) (local $r2 v128) (local $tmp v128) (local $hi v128) (local $m v128) (local $s1 v128) (local $s2 v128) (local $u v128) (local $p v128) (local $m1 v128) (local $d v128) (local $pl v128) (local $cm v128) (local $c v128) (local $dh v128) (local $bb v128) (local $dl v128) (local $qh v128) (local $prod v128) (local $qhh v128) (local $qhl v128) (local $dhh v128) (local $dhl v128) (local $rem v128)
    (local.set $end (i32.add (local.get $src) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
    (block $done
      (loop $pair
        (if (i32.lt_u (local.get $src) (local.get $end))
          (then (local.set $x (v128.load (local.get $src))))
          (else
            (br_if $done (i32.eqz (i32.and (local.get $n) (i32.const 1))))
            (local.set $x (v128.load64_zero (local.get $src)))))
        ;; σ(-x) for the lane x = -z (sigmoid.ts): the seed's d = 1 + exp(x) decides the saturated lanes
        (local.set $x (f64x2.pmin (f64x2.pmax (local.get $x) (v128.load offset=2048 (i32.const 0)) (;X_MIN;)) (v128.load offset=2064 (i32.const 0)) (;X_MAX;)))

        ;; k = round(y N/ln2) sits in the low 32 bits of y N/ln2 + 1.5 * 2^52 (as in the scalar kd | 0)
        (local.set $kd (f64x2.add (f64x2.mul (local.get $x) (v128.load offset=2080 (i32.const 0)) (;INV_LN2_N;)) (v128.load offset=2096 (i32.const 0)) (;ROUND_SHIFT;)))
        (local.set $k (local.get $kd))
        (local.set $kd (f64x2.sub (local.get $kd) (v128.load offset=2096 (i32.const 0)) (;ROUND_SHIFT;)))
        (local.set $r (f64x2.sub (f64x2.sub (local.get $x) (f64x2.mul (local.get $kd) (v128.load offset=2112 (i32.const 0)) (;LN2_HI_N;))) (f64x2.mul (local.get $kd) (v128.load offset=2128 (i32.const 0)) (;LN2_LO_N;))))
        (local.set $j (i64x2.shl (v128.and (local.get $k) (v128.load offset=2144 (i32.const 0)) (;TABLE_MASK;)) (i32.const 4)))
        (local.set $e0 (v128.load (i32.wrap_i64 (i64x2.extract_lane 0 (local.get $j)))))
        (local.set $e1 (v128.load (i32.wrap_i64 (i64x2.extract_lane 1 (local.get $j)))))
        (local.set $r2 (f64x2.mul (local.get $r) (local.get $r)))
        ;; tmp = ((tail_j + r) + r^2 (C2 + C3 r)) + r^4 (C4 + C5 r)
        (local.set $tmp (f64x2.add
          (f64x2.add
            (f64x2.add (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $e0) (local.get $e1)) (local.get $r))
            (f64x2.mul (local.get $r2) (f64x2.add (v128.load offset=2160 (i32.const 0)) (;EXP_C2;) (f64x2.mul (local.get $r) (v128.load offset=2176 (i32.const 0)) (;EXP_C3;)))))
          (f64x2.mul (f64x2.mul (local.get $r2) (local.get $r2)) (f64x2.add (v128.load offset=2192 (i32.const 0)) (;EXP_C4;) (f64x2.mul (local.get $r) (v128.load offset=2208 (i32.const 0)) (;EXP_C5;))))))
        (local.set $hi (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $e0) (local.get $e1)))
        ;; m = k >> 7 in the low word of each 64-bit lane (the high words are ignored below)
        (local.set $m (i32x4.shr_s (local.get $k) (i32.const 7)))

        (local.set $u (f64x2.mul (local.get $hi) (local.get $tmp)))
        (local.set $p (f64x2.add (local.get $hi) (local.get $u)))
        (local.set $m1 (i32x4.shr_s (local.get $m) (i32.const 1)))
        (local.set $s1 (i64x2.shl (i32x4.add (local.get $m1) (v128.load offset=2224 (i32.const 0)) (;EXPONENT_BIAS;)) (i32.const 52)))
        (local.set $s2 (i64x2.shl (i32x4.add (i32x4.sub (local.get $m) (local.get $m1)) (v128.load offset=2224 (i32.const 0)) (;EXPONENT_BIAS;)) (i32.const 52)))
        (local.set $d (f64x2.add (v128.load offset=2368 (i32.const 0)) (;ONE;) (f64x2.mul (f64x2.mul (local.get $p) (local.get $s1)) (local.get $s2))))
        (local.set $pl (f64x2.add (f64x2.sub (local.get $hi) (local.get $p)) (local.get $u)))
        ;; c = 2^-m as 2^-m1 2^-(m - m1)
        (local.set $cm (f64x2.mul
          (i64x2.shl (i32x4.sub (v128.load offset=2224 (i32.const 0)) (;EXPONENT_BIAS;) (local.get $m1)) (i32.const 52))
          (i64x2.shl (i32x4.sub (v128.load offset=2224 (i32.const 0)) (;EXPONENT_BIAS;) (i32x4.sub (local.get $m) (local.get $m1))) (i32.const 52))))
        (local.set $dh (f64x2.add (local.get $cm) (local.get $p)))
        (local.set $bb (f64x2.sub (local.get $dh) (local.get $cm)))
        (local.set $dl (f64x2.add
          (f64x2.add (f64x2.sub (local.get $cm) (f64x2.sub (local.get $dh) (local.get $bb))) (f64x2.sub (local.get $p) (local.get $bb)))
          (local.get $pl)))
        (local.set $qh (f64x2.div (local.get $cm) (local.get $dh)))
        (local.set $prod (f64x2.mul (local.get $qh) (local.get $dh)))
        (local.set $c (f64x2.mul (v128.load offset=2400 (i32.const 0)) (;SPLIT;) (local.get $qh)))
        (local.set $qhh (f64x2.sub (local.get $c) (f64x2.sub (local.get $c) (local.get $qh))))
        (local.set $qhl (f64x2.sub (local.get $qh) (local.get $qhh)))
        (local.set $c (f64x2.mul (v128.load offset=2400 (i32.const 0)) (;SPLIT;) (local.get $dh)))
        (local.set $dhh (f64x2.sub (local.get $c) (f64x2.sub (local.get $c) (local.get $dh))))
        (local.set $dhl (f64x2.sub (local.get $dh) (local.get $dhh)))
        (local.set $rem (f64x2.sub
          (f64x2.sub
            (f64x2.sub (local.get $cm) (local.get $prod))
            (f64x2.add
              (f64x2.add
                (f64x2.add (f64x2.sub (f64x2.mul (local.get $qhh) (local.get $dhh)) (local.get $prod)) (f64x2.mul (local.get $qhh) (local.get $dhl)))
                (f64x2.mul (local.get $qhl) (local.get $dhh)))
              (f64x2.mul (local.get $qhl) (local.get $dhl))))
          (f64x2.mul (local.get $qh) (local.get $dl))))
        ;; qh 2^m = qh / c ~ 1 / dh: no second division
        (local.set $y (f64x2.add (local.get $qh) (f64x2.mul (local.get $rem) (f64x2.mul (f64x2.mul (local.get $qh) (local.get $s1)) (local.get $s2)))))
        (local.set $y (v128.bitselect (v128.load offset=2368 (i32.const 0)) (;ONE;) (local.get $y) (f64x2.eq (local.get $d) (v128.load offset=2368 (i32.const 0)) (;ONE;))))
        (local.set $y (v128.bitselect (v128.const f64x2 0 0) (local.get $y) (f64x2.eq (local.get $d) (v128.load offset=2432 (i32.const 0)) (;INFINITY;))))
        (if (i32.lt_u (local.get $src) (local.get $end))
          (then
            (v128.store (local.get $dst) (local.get $y))
            (local.set $src (i32.add (local.get $src) (i32.const 16)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
            (br $pair)))
        (v128.store64_lane 0 (local.get $dst) (local.get $y)))))

  ;; dst[k] = σ(src[k]) for k < n.
  (func (export "sigmoidBlock") (param $dst i32) (param $src i32) (param $n i32)
    (call $negate (local.get $dst) (local.get $src) (local.get $n))
    (call $sigmoidNegBlock (local.get $dst) (local.get $dst) (local.get $n)))

  ;; dst[k] = -src[k]
  (func $negate (param $dst i32) (param $src i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $src) (i32.shl (local.get $n) (i32.const 3))))
    (block $done
      (loop $one
        (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
        (f64.store (local.get $dst) (f64.neg (f64.load (local.get $src))))
        (local.set $src (i32.add (local.get $src) (i32.const 8)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 8)))
        (br $one))))

  ;; ---------------------------------------------------------------------------------------------
  ;; One LSTM step for `count` rows (the sequences of a batch, or one step of one sequence): the
  ;; twins of stepType1 in ../lstm-type1.ts and stepType2 in ../lstm-type2.ts, which give the
  ;; equations. Row k reads wx and z at k 4H (gate blocks i, f, o, candidate; type 2's z has no
  ;; candidate block), the bias b (4H) and c_{t-1} at sPrev + k H; it writes the gates i, f, o and
  ;; the candidate to g + k 4H (the same blocks), c_t to sOut + k H and h_t to h + k H. sPrev may
  ;; equal sOut. Pointers are byte offsets. Each row runs as a few passes over its blocks, every
  ;; value taking the scalar operations in their order:
  ;;   g[0, 3H) = -((wx + z) + b), then σ of its negation   the gates
  ;;   g[3H, 4H) = (wx + z) + b, tanh (type 2: wx + b)  the candidate
  ;;   c = f c_prev + i cand;  h = tanh(c) then o h (type 1), or tanh(o c) (type 2)
  (func $rows (export "rows") (param $cell i32) (param $count i32) (param $H i32)
    (param $wx i32) (param $z i32) (param $b i32) (param $g i32) (param $sPrev i32) (param $sOut i32) (param $h i32)
    (local $k i32) (local $hb i32) (local $gb i32) (local $u i32) (local $gates i32)
    (local.set $hb (i32.shl (local.get $H) (i32.const 3)))
    (local.set $gb (i32.shl (local.get $hb) (i32.const 2)))
    (local.set $gates (i32.mul (local.get $H) (i32.const 3)))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $k) (local.get $count)))
        (call $pre (local.get $g) (local.get $wx) (local.get $z) (local.get $b) (local.get $gates) (i32.const 1))
        (local.set $u (i32.mul (local.get $hb) (i32.const 3)))
        (call $pre (i32.add (local.get $g) (local.get $u)) (i32.add (local.get $wx) (local.get $u))
          (select (i32.add (local.get $z) (local.get $u)) (i32.const -1) (i32.eq (local.get $cell) (i32.const 1)))
          (i32.add (local.get $b) (local.get $u)) (local.get $H) (i32.const 0))
        (call $sigmoidNegBlock (local.get $g) (local.get $g) (local.get $gates))
        (call $tanhBlock (i32.add (local.get $g) (i32.mul (local.get $hb) (i32.const 3))) (i32.add (local.get $g) (i32.mul (local.get $hb) (i32.const 3))) (local.get $H))
        (call $cellState (local.get $cell) (local.get $H) (local.get $g) (local.get $sPrev) (local.get $sOut) (local.get $h))
        (local.set $wx (i32.add (local.get $wx) (local.get $gb)))
        (local.set $z (i32.add (local.get $z) (local.get $gb)))
        (local.set $g (i32.add (local.get $g) (local.get $gb)))
        (local.set $sPrev (i32.add (local.get $sPrev) (local.get $hb)))
        (local.set $sOut (i32.add (local.get $sOut) (local.get $hb)))
        (local.set $h (i32.add (local.get $h) (local.get $hb)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $row))))

  ;; dst[u] = (wx[u] + z[u]) + b[u], negated when neg is 1, for u < n; without z when z is -1.
  (func $pre (param $dst i32) (param $wx i32) (param $z i32) (param $b i32) (param $n i32) (param $neg i32)
    (local $end i32) (local $v v128) (local $x f64)
    (local.set $end (i32.add (local.get $dst) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
    (block $done
      (loop $pair
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
        (local.set $v (v128.load (local.get $wx)))
        (if (i32.ge_s (local.get $z) (i32.const 0))
          (then
            (local.set $v (f64x2.add (local.get $v) (v128.load (local.get $z))))
            (local.set $z (i32.add (local.get $z) (i32.const 16)))))
        (local.set $v (f64x2.add (local.get $v) (v128.load (local.get $b))))
        (v128.store (local.get $dst) (select (f64x2.neg (local.get $v)) (local.get $v) (local.get $neg)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $wx (i32.add (local.get $wx) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br $pair)))
    (if (i32.and (local.get $n) (i32.const 1))
      (then
        (local.set $x (f64.load (local.get $wx)))
        (if (i32.ge_s (local.get $z) (i32.const 0))
          (then (local.set $x (f64.add (local.get $x) (f64.load (local.get $z))))))
        (local.set $x (f64.add (local.get $x) (f64.load (local.get $b))))
        (f64.store (local.get $dst) (select (f64.neg (local.get $x)) (local.get $x) (local.get $neg))))))

  ;; c = f c_prev + i cand to sOut; h = o tanh(c) (type 1) or tanh(o c) (type 2) to h. Gate row g
  ;; holds i, f, o, cand in blocks of H.
  (func $cellState (param $cell i32) (param $H i32) (param $g i32) (param $sPrev i32) (param $sOut i32) (param $h i32)
    (local $hb i32) (local $end i32) (local $u i32) (local $c v128) (local $cs f64) (local $gi i32) (local $gf i32) (local $go i32) (local $gc i32)
    (local.set $hb (i32.shl (local.get $H) (i32.const 3)))
    (local.set $end (i32.shl (i32.and (local.get $H) (i32.const -2)) (i32.const 3)))
    (local.set $gi (local.get $g))
    (local.set $gf (i32.add (local.get $g) (local.get $hb)))
    (local.set $go (i32.add (local.get $gf) (local.get $hb)))
    (local.set $gc (i32.add (local.get $go) (local.get $hb)))
    (block $done
      (loop $pair
        (br_if $done (i32.ge_u (local.get $u) (local.get $end)))
        (local.set $c (f64x2.add
          (f64x2.mul (v128.load (i32.add (local.get $gf) (local.get $u))) (v128.load (i32.add (local.get $sPrev) (local.get $u))))
          (f64x2.mul (v128.load (i32.add (local.get $gi) (local.get $u))) (v128.load (i32.add (local.get $gc) (local.get $u))))))
        (v128.store (i32.add (local.get $sOut) (local.get $u)) (local.get $c))
        (v128.store (i32.add (local.get $h) (local.get $u))
          (select (local.get $c) (f64x2.mul (v128.load (i32.add (local.get $go) (local.get $u))) (local.get $c)) (i32.eq (local.get $cell) (i32.const 1))))
        (local.set $u (i32.add (local.get $u) (i32.const 16)))
        (br $pair)))
    (if (i32.and (local.get $H) (i32.const 1))
      (then
        (local.set $cs (f64.add
          (f64.mul (f64.load (i32.add (local.get $gf) (local.get $u))) (f64.load (i32.add (local.get $sPrev) (local.get $u))))
          (f64.mul (f64.load (i32.add (local.get $gi) (local.get $u))) (f64.load (i32.add (local.get $gc) (local.get $u))))))
        (f64.store (i32.add (local.get $sOut) (local.get $u)) (local.get $cs))
        (f64.store (i32.add (local.get $h) (local.get $u))
          (select (local.get $cs) (f64.mul (f64.load (i32.add (local.get $go) (local.get $u))) (local.get $cs)) (i32.eq (local.get $cell) (i32.const 1))))))
    (call $tanhBlock (local.get $h) (local.get $h) (local.get $H))
    (if (i32.eq (local.get $cell) (i32.const 1))
      (then
        (local.set $u (i32.const 0))
        (block $done1
          (loop $pair1
            (br_if $done1 (i32.ge_u (local.get $u) (local.get $end)))
            (v128.store (i32.add (local.get $h) (local.get $u))
              (f64x2.mul (v128.load (i32.add (local.get $go) (local.get $u))) (v128.load (i32.add (local.get $h) (local.get $u)))))
            (local.set $u (i32.add (local.get $u) (i32.const 16)))
            (br $pair1)))
        (if (i32.and (local.get $H) (i32.const 1))
          (then (f64.store (i32.add (local.get $h) (local.get $u))
            (f64.mul (f64.load (i32.add (local.get $go) (local.get $u))) (f64.load (i32.add (local.get $h) (local.get $u))))))))))

  ;; n steps of one sequence. Row 0 of the state rows s and h holds c_{t-1} and h_{t-1}; step k
  ;; multiplies U (panels at $U, R rows) by its state (h row k for type 1, s row k for type 2),
  ;; reads wx row k and writes the gates to g row k (4H), then s and h rows k + 1.
  (func (export "run") (param $cell i32) (param $n i32) (param $H i32) (param $U i32) (param $R i32)
    (param $wx i32) (param $z i32) (param $b i32) (param $g i32) (param $s i32) (param $h i32)
    (local $k i32) (local $hb i32)
    (local.set $hb (i32.shl (local.get $H) (i32.const 3)))
    (block $done
      (loop $step
        (br_if $done (i32.ge_u (local.get $k) (local.get $n)))
        (call $dots (local.get $U) (local.get $R) (local.get $H)
          (select (local.get $h) (local.get $s) (i32.eq (local.get $cell) (i32.const 1)))
          (i32.const 1) (local.get $z) (i32.shl (local.get $H) (i32.const 2)))
        (call $rows (local.get $cell) (i32.const 1) (local.get $H) (local.get $wx) (local.get $z) (local.get $b)
          (local.get $g) (local.get $s) (i32.add (local.get $s) (local.get $hb)) (i32.add (local.get $h) (local.get $hb)))
        (local.set $wx (i32.add (local.get $wx) (i32.shl (local.get $hb) (i32.const 2))))
        (local.set $g (i32.add (local.get $g) (i32.shl (local.get $hb) (i32.const 2))))
        (local.set $s (i32.add (local.get $s) (local.get $hb)))
        (local.set $h (i32.add (local.get $h) (local.get $hb)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $step))))

  ;; n steps of B sequences in lockstep (a batch, or one thread's share of it). Step t's inputs are
  ;; at xs + t B X (B rows of X); sequence k's state is in rows k + 1 of s and h, its gates in row k
  ;; of g. After each step the rows go to out, sequence k of step t at out + (t B + k) W with W = H
  ;; (h) or, when full is 1, W = 6H (h, c, then the gates i, f, o and the candidate).
  (func (export "batchRun") (param $cell i32) (param $B i32) (param $n i32) (param $H i32) (param $X i32)
    (param $P i32) (param $U i32) (param $R i32) (param $b i32) (param $xs i32) (param $wx i32) (param $z i32)
    (param $g i32) (param $s i32) (param $h i32) (param $out i32) (param $full i32)
    (local $t i32) (local $k i32) (local $hb i32) (local $G i32)
    (local.set $hb (i32.shl (local.get $H) (i32.const 3)))
    (local.set $G (i32.shl (local.get $H) (i32.const 2)))
    (block $done
      (loop $step
        (br_if $done (i32.ge_u (local.get $t) (local.get $n)))
        (call $dots (local.get $P) (local.get $G) (local.get $X) (local.get $xs) (local.get $B) (local.get $wx) (local.get $G))
        (call $dots (local.get $U) (local.get $R) (local.get $H)
          (i32.add (select (local.get $h) (local.get $s) (i32.eq (local.get $cell) (i32.const 1))) (local.get $hb))
          (local.get $B) (local.get $z) (local.get $G))
        (call $rows (local.get $cell) (local.get $B) (local.get $H) (local.get $wx) (local.get $z) (local.get $b) (local.get $g)
          (i32.add (local.get $s) (local.get $hb)) (i32.add (local.get $s) (local.get $hb)) (i32.add (local.get $h) (local.get $hb)))
        (local.set $k (i32.const 0))
        (block $copied
          (loop $copy
            (br_if $copied (i32.ge_u (local.get $k) (local.get $B)))
            (memory.copy (local.get $out) (i32.add (local.get $h) (i32.mul (i32.add (local.get $k) (i32.const 1)) (local.get $hb))) (local.get $hb))
            (local.set $out (i32.add (local.get $out) (local.get $hb)))
            (if (local.get $full)
              (then
                (memory.copy (local.get $out) (i32.add (local.get $s) (i32.mul (i32.add (local.get $k) (i32.const 1)) (local.get $hb))) (local.get $hb))
                (memory.copy (i32.add (local.get $out) (local.get $hb)) (i32.add (local.get $g) (i32.mul (local.get $k) (i32.shl (local.get $hb) (i32.const 2)))) (i32.shl (local.get $hb) (i32.const 2)))
                (local.set $out (i32.add (local.get $out) (i32.mul (local.get $hb) (i32.const 5))))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $copy)))
        (local.set $xs (i32.add (local.get $xs) (i32.mul (i32.mul (local.get $B) (local.get $X)) (i32.const 8))))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $step)))))
