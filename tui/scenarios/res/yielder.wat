;; The yield scenario's contract (tui/scenarios/yield.toml), NEP-519 yield/resume:
;; `ask` yields a callback `answer` (20 Tgas) to this account, keeps its data id under the
;; storage key "id" and returns the yield, so the transaction waits for the answer.
;; `respond` resumes the kept yield with the call's arguments as payload and returns `true`,
;; or `false` when nothing waits. `answer` returns the payload it was resumed with, or
;; "timeout" when nobody answered within 200 blocks (its input failed).
;; Build: `wat2wasm yielder.wat -o yielder.wasm` (no symbolic names, so the wasm has no name
;; section); tui/tests/it/yield_run.rs checks the committed wasm matches this text.
(module
  (import "env" "promise_yield_create" (func (param i64 i64 i64 i64 i64 i64 i64) (result i64)))  ;; 0
  (import "env" "promise_yield_resume" (func (param i64 i64 i64 i64) (result i32)))              ;; 1
  (import "env" "promise_return" (func (param i64)))                                              ;; 2
  (import "env" "promise_result" (func (param i64 i64) (result i64)))                             ;; 3
  (import "env" "storage_write" (func (param i64 i64 i64 i64 i64) (result i64)))                  ;; 4
  (import "env" "storage_read" (func (param i64 i64 i64) (result i64)))                           ;; 5
  (import "env" "input" (func (param i64)))                                                       ;; 6
  (import "env" "register_len" (func (param i64) (result i64)))                                   ;; 7
  (import "env" "read_register" (func (param i64 i64)))                                           ;; 8
  (import "env" "value_return" (func (param i64 i64)))                                            ;; 9
  (memory (export "memory") 1)
  (data (i32.const 0) "answer")
  (data (i32.const 16) "id")
  (data (i32.const 32) "\"timeout\"")
  (data (i32.const 48) "false")
  (data (i32.const 56) "true")
  ;; ask: yield `answer` (no arguments, 20 Tgas, weight 0), data id into register 1 -> "id"
  (func (export "ask") (local i64)
    (local.set 0 (call 0 (i64.const 6) (i64.const 0) (i64.const 0) (i64.const 0)
      (i64.const 20000000000000) (i64.const 0) (i64.const 1)))
    (drop (call 4 (i64.const 2) (i64.const 16) (i64.const -1) (i64.const 1) (i64.const 2)))
    (call 2 (local.get 0)))
  ;; respond: input -> memory 256.., the kept data id -> register 1, resume, `true`/`false`
  (func (export "respond")
    (call 6 (i64.const 0))
    (call 8 (i64.const 0) (i64.const 256))
    (if (i64.eq (call 5 (i64.const 2) (i64.const 16) (i64.const 1)) (i64.const 1))
      (then
        (if (call 1 (i64.const -1) (i64.const 1) (call 7 (i64.const 0)) (i64.const 256))
          (then (call 9 (i64.const 4) (i64.const 56)) (return)))))
    (call 9 (i64.const 5) (i64.const 48)))
  ;; answer: the payload (promise result 0 into register 0), or "timeout"
  (func (export "answer")
    (if (i64.eq (call 3 (i64.const 0) (i64.const 0)) (i64.const 1))
      (then (call 9 (i64.const -1) (i64.const 0)))
      (else (call 9 (i64.const 9) (i64.const 32))))))
