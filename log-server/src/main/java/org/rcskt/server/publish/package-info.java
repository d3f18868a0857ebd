/**
 * Publishing the log as a static C2SP tlog-tiles endpoint on S3-compatible object storage
 * (docs/design/0021-object-storage-publishing.md): {@link org.rcskt.server.publish.TilePublisher}
 * copies every hash tile, entry bundle and then the signed checkpoint to an {@link
 * org.rcskt.server.publish.ObjectStore}, off the submission path, resuming from what the bucket
 * holds and refusing to overwrite what the log did not write.
 */
package org.rcskt.server.publish;
