;; The flood scenario's contract (tui/scenarios/flood.toml): `burn` spends the gas attached to
;; it in a loop until less than 5 Tgas is left, then returns successfully (a 300 Tgas call
;; burns about 295 Tgas: four calls fill a chunk of 1,000 Tgas).
;; Build: `wat2wasm burner.wat -o burner.wasm` (no symbolic names, so the wasm has no name
;; section); runtime/tests/it/chunk_limits.rs checks the committed wasm matches this text.
(module
  (import "env" "prepaid_gas" (func (result i64)))                  ;; function 0
  (import "env" "used_gas" (func (result i64)))                     ;; function 1
  (memory (export "memory") 1)
  (func (export "burn") (local i32)
    (loop                                                           ;; until < 5 Tgas is left
      (local.set 0 (i32.const 100000))
      (loop                                                         ;; ~0.4 Tgas of wasm ops
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (br_if 0 (local.get 0)))
      (br_if 0 (i64.lt_u (i64.add (call 1) (i64.const 5000000000000)) (call 0))))))
