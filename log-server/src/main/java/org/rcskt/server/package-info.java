/**
 * The key-transparency log server (issue 3): {@link org.rcskt.server.LogServer} starts and stops a
 * whole server; sub-packages hold storage, sequencing, HTTP, configuration and the command line.
 */
package org.rcskt.server;
