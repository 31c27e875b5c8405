#define _GNU_SOURCE
#include "CLinux.h"
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

int clinux_timerfd_create_realtime(void) { return timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC | TFD_NONBLOCK); }
int clinux_timerfd_create_monotonic(void) { return timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK); }

int clinux_timerfd_set_absolute_cancel_on_set(int fd, int64_t seconds, int64_t nanoseconds) {
    struct itimerspec spec = {0};
    spec.it_value.tv_sec = (time_t)seconds;
    spec.it_value.tv_nsec = (long)nanoseconds;
    return timerfd_settime(fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &spec, NULL);
}

int clinux_timerfd_set_relative(int fd, int64_t seconds, int64_t nanoseconds) {
    struct itimerspec spec = {0};
    spec.it_value.tv_sec = (time_t)seconds;
    spec.it_value.tv_nsec = (long)nanoseconds;
    return timerfd_settime(fd, 0, &spec, NULL);
}

int clinux_eventfd(unsigned int initval) { return eventfd(initval, EFD_CLOEXEC | EFD_NONBLOCK); }
int clinux_syncfs(int fd) { return syncfs(fd); }
int clinux_renameat2_noreplace(int olddirfd, const char *oldpath, int newdirfd, const char *newpath) {
    return renameat2(olddirfd, oldpath, newdirfd, newpath, RENAME_NOREPLACE);
}
int clinux_pipe2_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC | O_NONBLOCK); }
int clinux_errno(void) { return errno; }
int clinux_ecanceled(void) { return ECANCELED; }
int clinux_release_free_memory(void) { return malloc_trim(0); }
int clinux_fix_mmap_threshold(void) { return mallopt(M_MMAP_THRESHOLD, 128 * 1024); }
int clinux_so_peercred(void) { return SO_PEERCRED; }
_Static_assert(sizeof(clinux_peer_credentials) == sizeof(struct ucred), "struct ucred layout");

int clinux_spawn_actions_closefrom(posix_spawn_file_actions_t *actions, int fd) {
    return posix_spawn_file_actions_addclosefrom_np(actions, fd);
}
