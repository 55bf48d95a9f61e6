/*
 * Version reported by the banner and `hypervisor version`. Clients gate
 * features on the reference's numbering (hypervisor.md §8.1: >= 0.2.23 for
 * separate console binding), so we report the protocol level we implement.
 */
#ifndef MAIN_VERSION_H
#define MAIN_VERSION_H

#define DYNAMIPS_VERSION "0.2.24"
#define PROJECT_NAME "OpenDynamips"
#define PROJECT_VERSION "0.1.0"

#if defined(__x86_64__)
#define DYNAMIPS_ARCH "amd64"
#elif defined(__aarch64__)
#define DYNAMIPS_ARCH "arm64"
#else
#define DYNAMIPS_ARCH "unknown"
#endif

#endif
