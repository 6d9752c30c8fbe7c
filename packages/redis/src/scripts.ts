import { createHash } from 'node:crypto';

// The budget of one model lives in one string key as a JSON array of buckets
// `{ d: dimension, c: capacity, w: windowMs, l: level, t: at (server ms), x: learned 0|1 }`, beside a
// cooldown key whose TTL is the cooldown. Both keys share a hash tag, so a script touching both runs on one
// Cluster slot. Every script reads the time from the server (`TIME`), so workers with skewed clocks still
// refill one bucket at one rate. The arithmetic mirrors core's token bucket (continuous refill, a level
// that may go negative after an overrun, learned limits taking precedence over configured ones).
//
// A budget key that is missing was either never made, expired full, or lost (a restart without
// persistence, a flush, a failover). The caller says which it believes (its last reply showed the key
// below capacity, so it cannot have expired): a lost key starts empty instead of handing the group a
// second full bucket inside one window. See docs/decisions/0501-redis-outages-keep-the-limit.md.
//
// Leases (docs/decisions/2110-redis-admission-leases.md): a bucket may also hold `h`, the slices processes
// took to spend locally, `{ [holder]: { u: units, e: expires at (server ms) } }`. The units already left
// the level when they were granted; `h` only lets a provider's `remaining` count them as still to come.

const COMMON = `
local function server_now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
end
-- New buckets start full, or empty when the caller knows the key was lost (set by each script).
local start_empty = false
local function load(key)
  local raw = redis.call('GET', key)
  if raw then return cjson.decode(raw), false end
  return {}, true
end
local function start_level(c)
  if start_empty then return 0 end
  return c
end
local function find(buckets, d, w)
  for _, b in ipairs(buckets) do
    if b.d == d and b.w == w then return b end
  end
  return nil
end
local function refill(b, now)
  local elapsed = now - b.t
  if elapsed > 0 then
    local level = b.l + elapsed * b.c / b.w
    if level > b.c then level = b.c end
    b.l = level
    b.t = now
  end
end
-- Gives amount back to a bucket (a returned slice, a settle's refund), never past its capacity.
local function credit(b, now, amount)
  refill(b, now)
  local level = b.l + amount
  if level > b.c then level = b.c end
  b.l = level
end
local function resize(b, c, w)
  local used = b.c - b.l
  b.c = c
  b.w = w
  b.l = c - used
end
-- Configured limits start at ARGV[i]: a count, then (dimension, capacity, windowMs) triples.
local function configure(buckets, now, i)
  local n = tonumber(ARGV[i])
  i = i + 1
  for _ = 1, n do
    local d, c, w = ARGV[i], tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2])
    i = i + 3
    local b = find(buckets, d, w)
    if not b then
      table.insert(buckets, { d = d, c = c, w = w, l = start_level(c), t = now, x = 0 })
    elseif b.x == 0 and b.c ~= c then
      refill(b, now)
      resize(b, c, w)
    end
  end
  return i
end
-- Kept until every bucket would be full again (a full configured bucket equals a missing one) and every
-- lease on it has expired.
local function save(key, buckets, now)
  if #buckets == 0 then return end
  local keep = 1000
  for _, b in ipairs(buckets) do
    local refillMs = (b.c - b.l) * b.w / b.c
    if b.w > keep then keep = b.w end
    if refillMs > keep then keep = refillMs end
    if b.h then
      for _, h in pairs(b.h) do
        if h.e - now > keep then keep = h.e - now end
      end
    end
  end
  redis.call('SET', key, cjson.encode(buckets), 'PX', math.ceil(keep))
end
-- Every bucket, as flat (dimension, capacity, available, windowMs) strings.
local function snapshot(buckets, now)
  local out = {}
  for _, b in ipairs(buckets) do
    refill(b, now)
    local available = b.l
    if available < 0 then available = 0 end
    table.insert(out, b.d)
    table.insert(out, tostring(b.c))
    table.insert(out, tostring(available))
    table.insert(out, tostring(b.w))
  end
  return out
end
-- Units of live leases on a bucket (granted, maybe not spent yet); expired ones are forgotten: their
-- holder stopped spending them (a holder's own clock expires a lease before the server's does).
local function leased(b, now)
  local out = 0
  if not b.h then return 0 end
  for id, h in pairs(b.h) do
    if h.e <= now then b.h[id] = nil else out = out + h.u end
  end
  if next(b.h) == nil then b.h = nil end
  return out
end
-- Spend budgets: one key per budget and window holding its total in USD (settled plus held), kept until
-- the window is over. Their keys follow the bucket and cooldown keys, from KEYS[first].
local function spent(key)
  return tonumber(redis.call('GET', key)) or 0
end
local function spend_totals(first, n)
  local out = {}
  for k = 1, n do table.insert(out, tostring(spent(KEYS[first + k - 1]))) end
  return out
end
local DIMENSIONS = { 'requests', 'tokens', 'inputTokens', 'outputTokens' }
local index_of = { requests = 1, tokens = 2, inputTokens = 3, outputTokens = 4 }
-- The most of what a bucket has left (after the call that asks) one lease may take.
local LEASE_SHARE = 0.125
local function amounts_at(i)
  local amounts = {}
  for k, d in ipairs(DIMENSIONS) do amounts[d] = tonumber(ARGV[i + k - 1]) end
  return amounts
end
`;

/**
 * KEYS: budget, cooldown, then one key per spend hold. ARGV: configured limits, the four amounts in
 * `DIMENSIONS` order, the slack in ms (refill each bucket must keep besides the amount, up to its
 * capacity), '1' if a missing budget was lost (start it empty), '1' if the caller spent while it could
 * not reach Redis followed by four amounts to charge and a cooldown in ms to restore (else '0'), then the
 * spend holds: a count and per hold (limit USD, amount USD, ms the key must live); then, for a lease,
 * '1', the holder's id, the lease's ms, four amounts the holder gives back (unspent slice and settled
 * differences; negative: an overrun to charge) and four it would like to hold (else nothing or '0').
 * Returns `{ verdict, value, dimension, cooldownMs, snapshot, spent, grants }`: verdict 1 = reserved
 * (value = headroom), 0 = short (value = ms until it fits, or 'inf'), 2 = cooling down (value = ms left),
 * 3 = a spend budget is short (value = the index of its hold, from 0). `spent`: each budget's total after.
 * `grants`: with a lease and verdict 1, the slice granted per dimension in `DIMENSIONS` order ('-1': the
 * key has no bucket of it). A slice is at most LEASE_SHARE of what the tightest bucket has left after the
 * amount, so it shrinks to nothing near the limit, and none is granted unless it covers one more call.
 */
const RESERVE = `${COMMON}
local now = server_now()
local buckets, missing = load(KEYS[1])
local at = 2 + 3 * tonumber(ARGV[1])
start_empty = missing and ARGV[at + 5] == '1'
configure(buckets, now, 1)
local amounts = amounts_at(at)
local slack = tonumber(ARGV[at + 4]) or 0
local changed = start_empty
local owing = ARGV[at + 6] == '1'
local spend_at = at + 7
if owing then spend_at = at + 12 end
local holds = tonumber(ARGV[spend_at]) or 0
local lease_at = spend_at + 1 + 3 * holds
local leasing = ARGV[lease_at] == '1'
local holder, lease_ms, wants
if leasing then
  holder = ARGV[lease_at + 1]
  lease_ms = tonumber(ARGV[lease_at + 2])
  local returns = amounts_at(lease_at + 3)
  wants = amounts_at(lease_at + 7)
  -- The holder's previous slice ends here: what it did not spend (and what its settles corrected) comes back.
  for _, b in ipairs(buckets) do
    if b.h then b.h[holder] = nil end
    leased(b, now)
    local back = returns[b.d]
    if back and back ~= 0 then credit(b, now, back) end
  end
  changed = true
end
local function no_grants() return {} end
if owing then
  local owed = amounts_at(at + 7)
  for _, b in ipairs(buckets) do
    local amount = owed[b.d]
    if amount and amount > 0 then
      refill(b, now)
      b.l = b.l - amount
      changed = true
    end
  end
  local restore = tonumber(ARGV[at + 11]) or 0
  if restore > 0 and restore > redis.call('PTTL', KEYS[2]) then
    redis.call('SET', KEYS[2], '1', 'PX', math.ceil(restore))
  end
end
local cooldown = redis.call('PTTL', KEYS[2])
if cooldown > 0 then
  if changed then save(KEYS[1], buckets, now) end
  return { 2, tostring(cooldown), 'requests', cooldown, snapshot(buckets, now), spend_totals(3, holds), no_grants() }
end
local headroom, retry, short = 1, 0, ''
for _, b in ipairs(buckets) do
  local amount = amounts[b.d]
  if amount and amount > 0 then
    refill(b, now)
    local wait = 0
    local need = amount
    if slack > 0 then need = math.min(amount + slack * b.c / b.w, b.c) end
    if amount > b.c then
      wait = math.huge
    elseif need > b.l then
      wait = math.ceil((need - b.l) * b.w / b.c)
    end
    if wait > retry then
      retry = wait
      short = b.d
    end
    local left = (b.l - amount) / b.c
    if left < headroom then headroom = left end
  end
end
if short ~= '' then
  local value = 'inf'
  if retry ~= math.huge then value = tostring(retry) end
  if changed then save(KEYS[1], buckets, now) end
  return { 0, value, short, 0, snapshot(buckets, now), spend_totals(3, holds), no_grants() }
end
-- Every spend hold must fit too (a hair of tolerance for sums of float dollars), or nothing is taken.
for k = 1, holds do
  local limit, amount = tonumber(ARGV[spend_at + 3 * k - 2]), tonumber(ARGV[spend_at + 3 * k - 1])
  if spent(KEYS[2 + k]) + amount > limit + 1e-12 then
    if changed then save(KEYS[1], buckets, now) end
    return { 3, tostring(k - 1), 'spend', 0, snapshot(buckets, now), spend_totals(3, holds), no_grants() }
  end
end
for _, b in ipairs(buckets) do
  local amount = amounts[b.d]
  if amount and amount > 0 then b.l = b.l - amount end
end
local grants = {}
if leasing then
  local useful = false
  for k, d in ipairs(DIMENSIONS) do
    local grant = -1
    for _, b in ipairs(buckets) do
      if b.d == d then
        local room = math.floor(b.l * LEASE_SHARE)
        if room < 0 then room = 0 end
        if grant < 0 or room < grant then grant = room end
      end
    end
    if grant >= 0 then
      local want = wants[d] or 0
      if want < grant then grant = math.floor(want) end
      if grant < 0 then grant = 0 end
      local amount = amounts[d] or 0
      if grant > 0 then useful = true end
      -- A slice that cannot cover one more call like this one would only sit idle.
      if amount > 0 and grant < amount then useful = false end
    end
    grants[k] = grant
  end
  if not useful then
    for k = 1, #DIMENSIONS do if grants[k] > 0 then grants[k] = 0 end end
  end
  for _, b in ipairs(buckets) do
    local grant = grants[index_of[b.d]]
    if grant and grant > 0 then
      b.l = b.l - grant
      if not b.h then b.h = {} end
      b.h[holder] = { u = grant, e = now + lease_ms }
    end
  end
  for k = 1, #DIMENSIONS do grants[k] = tostring(grants[k]) end
end
save(KEYS[1], buckets, now)
for k = 1, holds do
  local key = KEYS[2 + k]
  redis.call('INCRBYFLOAT', key, ARGV[spend_at + 3 * k - 1])
  redis.call('PEXPIRE', key, math.ceil(tonumber(ARGV[spend_at + 3 * k])))
end
if headroom < 0 then headroom = 0 end
return { 1, tostring(headroom), '', 0, snapshot(buckets, now), spend_totals(3, holds), grants }
`;

/**
 * KEYS: budget, then one key per spend settlement. ARGV: configured limits, the four (reserved - actual)
 * deltas, '1' if a missing budget was lost, then a count and per settlement (actual - reserved USD).
 * A spend key that is gone (its window ended) is left gone. Returns `{ snapshot, spent }`.
 */
const SETTLE = `${COMMON}
local now = server_now()
local buckets, missing = load(KEYS[1])
local at = 2 + 3 * tonumber(ARGV[1])
start_empty = missing and ARGV[at + 4] == '1'
local deltas = amounts_at(configure(buckets, now, 1))
for _, b in ipairs(buckets) do
  local delta = deltas[b.d]
  if delta and delta ~= 0 then credit(b, now, delta) end
end
save(KEYS[1], buckets, now)
local settlements = tonumber(ARGV[at + 5]) or 0
for k = 1, settlements do
  local key = KEYS[1 + k]
  local delta = tonumber(ARGV[at + 5 + k])
  if delta ~= 0 and redis.call('EXISTS', key) == 1 then
    if spent(key) + delta < 0 then delta = -spent(key) end
    redis.call('INCRBYFLOAT', key, tostring(delta))
  end
end
return { snapshot(buckets, now), spend_totals(2, settlements) }
`;

/**
 * KEYS: spend keys. ARGV: per key (USD to add, ms the key must live). What a process spent while it
 * could not reach Redis, charged once it answers again.
 */
const CHARGE = `
for k, key in ipairs(KEYS) do
  redis.call('INCRBYFLOAT', key, ARGV[2 * k - 1])
  redis.call('PEXPIRE', key, math.ceil(tonumber(ARGV[2 * k])))
end
return 1
`;

/**
 * KEYS: budget. ARGV: '1' if a missing budget was lost, a count, then (dimension, limit or '', remaining
 * or '', windowMs, pending) groups, then optionally the caller's holder id and the four units of its live
 * slice it has not spent yet (`DIMENSIONS` order).
 * A learned limit replaces the capacity of the bucket with that window (or adds one); a remaining count
 * only ever lowers the level, to `remaining - pending` (calls sent after the answered one that the
 * provider may not have counted yet) and less the units held in live leases and not yet spent. A grant
 * records what it handed out; each holder's own observe lowers its entry to what it has left, so calls
 * it already sent (which `remaining` counts) are not taken off the level a second time.
 */
const OBSERVE = `${COMMON}
local now = server_now()
local buckets, missing = load(KEYS[1])
start_empty = missing and ARGV[1] == '1'
local n = tonumber(ARGV[2])
local holder = ARGV[3 + 5 * n]
if holder then
  local unspent = amounts_at(4 + 5 * n)
  for _, b in ipairs(buckets) do
    local h = b.h and b.h[holder]
    local left = unspent[b.d]
    -- An overrun settled out of the slice leaves it below zero: that debt is charged at renewal, not here.
    if left and left < 0 then left = 0 end
    if h and left and left < h.u then h.u = left end
  end
end
local i = 3
for _ = 1, n do
  local d, limit, remaining, w = ARGV[i], tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2]), tonumber(ARGV[i + 3])
  local pending = tonumber(ARGV[i + 4]) or 0
  i = i + 5
  local b = find(buckets, d, w)
  if limit and limit > 0 then
    if not b then
      b = { d = d, c = limit, w = w, l = start_level(limit), t = now, x = 1 }
      table.insert(buckets, b)
    else
      refill(b, now)
      if b.c ~= limit then resize(b, limit, w) end
      b.x = 1
    end
  end
  if b and remaining then
    refill(b, now)
    -- Units other processes (and this one) hold in leases are calls the provider has not counted yet.
    local level = remaining - pending - leased(b, now)
    if level < b.l then b.l = level end
  end
end
save(KEYS[1], buckets, now)
return snapshot(buckets, now)
`;

/** KEYS: cooldown. ARGV: ms from now. The key's TTL is the cooldown; a shorter one never replaces a longer. */
const COOLDOWN = `
local ms = tonumber(ARGV[1])
local left = redis.call('PTTL', KEYS[1])
if ms > left then
  redis.call('SET', KEYS[1], '1', 'PX', ms)
  return ms
end
if left < 0 then return 0 end
return left
`;

export type Script = { readonly name: string; readonly lua: string; readonly sha: string };

function script(name: string, lua: string): Script {
  return { name, lua, sha: createHash('sha1').update(lua).digest('hex') };
}

export const scripts = {
  reserve: script('reserve', RESERVE),
  settle: script('settle', SETTLE),
  observe: script('observe', OBSERVE),
  cooldown: script('cooldown', COOLDOWN),
  charge: script('charge', CHARGE),
} as const;
