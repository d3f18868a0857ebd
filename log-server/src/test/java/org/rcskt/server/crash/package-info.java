/**
 * The crash test of issue 3 ("Operations": a crash between writing and acknowledging loses nothing
 * that was acknowledged, and the server never signs a checkpoint inconsistent with one it signed
 * before): the server runs as a child process and is killed with SIGKILL under load.
 */
package org.rcskt.server.crash;
