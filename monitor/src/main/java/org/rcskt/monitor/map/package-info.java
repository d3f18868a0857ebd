/**
 * The monitor's own copy of a log's subject map (docs/protocol.md section 16, docs/monitor.md, "The
 * subject map"): recomputed from every entry it downloads, whatever its replay scope, and compared
 * with each {@code MAP_ROOT} leaf. The map is kept at the last map root that matched, with the
 * leaves since then pending, so that a mismatch can be shown to a third party from that root, the
 * entries since and the map proofs of the subjects they touch.
 */
package org.rcskt.monitor.map;
