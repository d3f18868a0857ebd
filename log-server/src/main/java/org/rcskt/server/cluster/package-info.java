/**
 * More than one {@code serve} process for one log: a writer elected through ZooKeeper ({@link
 * org.rcskt.server.cluster.WriterElection}) and the log's sequencing state kept there, with every
 * commit fenced by the version of the committed head ({@link org.rcskt.server.cluster.ZkCommitLog};
 * docs/design/0022-standby-writer.md). The single-process log needs none of it.
 */
package org.rcskt.server.cluster;
