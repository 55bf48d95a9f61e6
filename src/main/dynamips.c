/*
 * dynamips: run one emulated router (standard mode). Command line as the
 * reference (hypervisor.md §7): options, then the image.
 *
 * Exit status: 0 when the router stopped normally (guest power-off, Ctrl-]
 * q, SIGINT/SIGTERM), 2 for a usage error (unknown option, bad value,
 * missing image), 1 when the router could not be started (image or file
 * problem), 3 when the emulated CPU halted on a guest error.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/evloop.h"
#include "core/log.h"
#include "core/vm.h"
#include "core/vtty.h"
#include "dev/ata_disk.h"
#include "hv/hv_main.h"
#include "machine/c7200/c7200_eeprom.h"
#include "machine/c7200/c7200_pa_cmdline.h"
#include "machine/ciscomid/mid.h"
#include "machine/ciscomid/mid_cmdline.h"
#include "main/version.h"

enum {
    EXIT_STOPPED = 0,
    EXIT_START_FAILED = 1,
    EXIT_USAGE = 2,
    EXIT_GUEST_HALT = 3,
};

enum {
    OPT_IDLE_PC = 1000,
    OPT_NOCTRL,
    OPT_NOTELNETMSG,
    OPT_CONSOLE_BIND,
    OPT_TIMER_ITV,
    OPT_VM_DEBUG,
    OPT_TRACE,
    OPT_DETERMINISTIC,
    OPT_HELP,
    OPT_VERSION,
    OPT_DISK0,
    OPT_DISK1,
    OPT_FILEPID,
    OPT_MIDPLANE,
    OPT_IOMEM,
    OPT_PRIVATE_CONFIG,
    OPT_JIT,
    OPT_JIT_LOCKSTEP,
    OPT_JIT_PERF_MAP,
    OPT_SPARSE_MEM,
    OPT_NO_AUTO_IDLE,
};

static void banner(void)
{
    /* First line as the reference prints it: clients parse the version
     * from it (hypervisor.md §7.2, §8.1). */
    printf("Cisco Router Simulation Platform (version %s-%s/Linux stable)\n",
           DYNAMIPS_VERSION, DYNAMIPS_ARCH);
    printf("%s %s, an open implementation of the Dynamips emulator.\n",
           PROJECT_NAME, PROJECT_VERSION);
    printf("Build date: %s %s\n\n", __DATE__, __TIME__);
    fflush(stdout);
}

static void usage(FILE *out)
{
    fprintf(out,
        "Usage: dynamips [options] <ios_image>\n"
        "       dynamips -H [<ip_address>:]<tcp_port>   (hypervisor mode)\n"
        "\n"
        "Options:\n"
        "  -P <platform>          platform: 7200 (default), 3600, 2691, 3725, 3745\n"
        "  -t <npe>               c7200 NPE: npe-100, npe-150, npe-175, npe-200,\n"
        "                         npe-225, npe-300, npe-400 (default);\n"
        "                         c3600 chassis: 3620, 3640 (default), 3660\n"
        "  --midplane <type>      c7200 midplane: std or vxr (default)\n"
        "  -m <mac>               chassis base MAC address, aa:bb:cc:dd:ee:ff or\n"
        "                         aabb.ccdd.eeff (default ca<id>.<pid>.0000 from\n"
        "                         the instance ID and the process ID)\n"
        "  -I <id>                system id / processor board serial (not on\n"
        "                         the 2691)\n"
        "  -r <MiB>               RAM size (default 256)\n"
        "  -o <MiB>               ROM size (default 4)\n"
        "  -n <KiB>               NVRAM size (default 128)\n"
        "  --disk0 <MiB>          PCMCIA ATA flash disk in slot 0 (disk0:), 0 = none\n"
        "                         (default 64)\n"
        "  --disk1 <MiB>          PCMCIA ATA flash disk in slot 1 (disk1:), 0 = none\n"
        "                         (default 0)\n"
        "  -c <value>             configuration register (default 0x2102)\n"
        "  -p <slot>:<card>       a port adapter or I/O card: C7200-IO-FE (slot 0,\n"
        "                         default), C7200-IO-2FE, C7200-IO-GE-E (slot 0);\n"
        "                         PA-FE-TX, PA-2FE-TX, PA-GE, PA-4E, PA-8E, PA-4T+,\n"
        "                         PA-8T, PA-A1 (slots 1-6)\n"
        "                         3600: NM-1E, NM-4E, NM-1FE-TX, NM-4T (Leopard-2FE\n"
        "                         in a 3660's slot 0); 2691/3725/3745: NM-1FE-TX,\n"
        "                         NM-4T, and -p 0:16|32|48:WIC-1T|WIC-2T for the\n"
        "                         WIC sub-slots of the built-in GT96100-FE\n"
        "  --iomem-size <percent> I/O memory share of RAM (not on the 7200)\n"
        "  -s <slot>:<port>:<nio> connect a port: udp:<lport>:<rhost>:<rport>,\n"
        "                         unix:<local>:<remote>, vde:<ctl>:<local>, tap:<dev>,\n"
        "                         tcp_cli:<host>:<port>, tcp_ser:<port>,\n"
        "                         linux_eth:<if>, gen_eth:<if> or null\n"
        "  -C, --startup-config <file>  push this startup-config into NVRAM at\n"
        "                         start (and clear config-register bit 0x40)\n"
        "  --private-config <file>  push this private-config into NVRAM at start\n"
        "  -i <id>                instance ID (default 0)\n"
        "  -N <0|1>               VM file names by name (0) or by ID (1, default)\n"
        "  -l <file>              log file (default dynamips_log.txt)\n"
        "  -X                     RAM in anonymous memory instead of a file\n"
        "  --sparse-mem           the same (pages are allocated on first touch\n"
        "                         in every mode)\n"
        "  -g <file>              generate a ghost RAM file: load the image into\n"
        "                         it and exit without running the router\n"
        "  -G <file>              use a ghost RAM file: routers on one image share\n"
        "                         its pages copy-on-write (made by -g)\n"
        "  -j                     disable the JIT: interpret every instruction\n"
        "  --jit                  translate guest code to x86-64 (the default)\n"
        "  --jit-lockstep         JIT checked against the interpreter at every\n"
        "                         block (slow; implies --deterministic)\n"
        "  --jit-perf-map         list translated blocks in /tmp/perf-<pid>.map\n"
        "                         for perf(1)\n"
        "  -k <divisor>           accepted for compatibility; Count follows host time\n"
        "  -T <port>              console on a TCP port (telnet) instead of this terminal\n"
        "  -A <port>              AUX port on a TCP port\n"
        "  --console-binding-addr <addr>  address of the console/AUX listeners\n"
        "                         (default 127.0.0.1)\n"
        "  --noctrl               Ctrl-] is sent to the router, no monitor menu\n"
        "  --notelnetmsg          no greeting when a telnet client connects\n"
        "  --idle-pc <addr>       idle PC (hexadecimal)\n"
        "  --no-auto-idle         do not look for the guest's idle loop by itself\n"
        "  --timer-itv <n>        accepted for compatibility (no effect)\n"
        "  --vm-debug <level>     accepted for compatibility (no effect)\n"
        "  --trace <file>         log every executed instruction, disassembled\n"
        "  --deterministic        guest time derived from executed instructions\n"
        "  --filepid <file>       write the process ID to a file\n"
        "  -h, --help             this text\n"
        "  --version              print the version and exit\n"
        "\n"
        "Console: Ctrl-] then ? lists the monitor keys (Ctrl-] q stops the router).\n");
}

static int parse_uint(const char *s, unsigned long long max,
                      unsigned long long *out)
{
    char *end;
    errno = 0;
    if (!s || !*s || *s == '-')
        return -1;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end || v > max)
        return -1;
    *out = v;
    return 0;
}

static int bad_value(const char *opt, const char *val, const char *what)
{
    fprintf(stderr, "dynamips: invalid value '%s' for %s: %s\n",
            val ? val : "", opt, what);
    return EXIT_USAGE;
}

/*
 * The open router firmware shipped with the emulator (one image for the
 * c7200, c3600, c2691, c3725 and c3745): next to the binary in
 * the source tree (build/dynamips -> guest/images/firmware/), or under
 * <prefix>/share/dynamips/images when installed.
 */
static int default_firmware(char *out, size_t len)
{
    static const char *const rel[] = {
        "/../guest/images/firmware/router-firmware.elf",
        "/../share/dynamips/images/router-firmware.elf",
        "/../share/dynamips/images/firmware/router-firmware.elf",
    };
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0)
        return -1;
    exe[n] = 0;
    char *slash = strrchr(exe, '/');
    if (!slash)
        return -1;
    *slash = 0;
    for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
        char cand[PATH_MAX];
        if (snprintf(cand, sizeof(cand), "%s%s", exe, rel[i]) >=
            (int)sizeof(cand))
            continue;
        if (access(cand, R_OK) == 0 && realpath(cand, out) &&
            strlen(out) < len)
            return 0;
    }
    return -1;
}

/*
 * An argument that starts with a typographic dash instead of '-': what a
 * command copied from a web page or a word processor gives ("dynamips
 * <U+2013>H 7200" in the Dynagen tutorial). In UTF-8 these are E2 80 90 to
 * E2 80 95 (U+2010 hyphen to U+2015 horizontal bar) and E2 88 92 (U+2212
 * minus sign). Returns the number of bytes of the dash, 0 if none.
 */
static size_t typographic_dash(const char *arg)
{
    const unsigned char *u = (const unsigned char *)arg;
    if (u[0] == 0xe2 && u[1] == 0x80 && u[2] >= 0x90 && u[2] <= 0x95)
        return 3;
    if (u[0] == 0xe2 && u[1] == 0x88 && u[2] == 0x92)
        return 3;
    return 0;
}

static int check_dashes(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        size_t n = typographic_dash(argv[i]);
        if (n) {
            fprintf(stderr, "dynamips: '%s' starts with a typographic dash, "
                    "not '-' (copied from a document?): type -%s\n",
                    argv[i], argv[i] + n);
            return -1;
        }
    }
    return 0;
}

struct run_state {
    pthread_t main_thread;
};

static void on_vm_stop(struct vm *vm, void *arg)
{
    struct run_state *rs = arg;
    (void)vm;
    pthread_kill(rs->main_thread, SIGUSR1);
}

int main(int argc, char **argv)
{
    /*
     * Blocks of 128 KB and more (glibc's default threshold) always come
     * from mmap, fresh and zero: a router's CPU (168 KB, mostly caches),
     * its JIT tables and bitmaps are calloc'd and then touched only where
     * used. glibc otherwise raises the threshold after the first such
     * block is freed (a VM stopped), and the next ones come from the heap,
     * cleared by calloc and so resident in full.
     */
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    if (check_dashes(argc, argv) < 0)
        return EXIT_USAGE;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-H") == 0) {
            banner();
            return hypervisor_main(argc, argv); /* src/hv/hv_main.c */
        }
    }

    static const struct option longopts[] = {
        {"idle-pc", required_argument, NULL, OPT_IDLE_PC},
        {"noctrl", no_argument, NULL, OPT_NOCTRL},
        {"notelnetmsg", no_argument, NULL, OPT_NOTELNETMSG},
        {"console-binding-addr", required_argument, NULL, OPT_CONSOLE_BIND},
        {"timer-itv", required_argument, NULL, OPT_TIMER_ITV},
        {"vm-debug", required_argument, NULL, OPT_VM_DEBUG},
        {"trace", required_argument, NULL, OPT_TRACE},
        {"deterministic", no_argument, NULL, OPT_DETERMINISTIC},
        {"filepid", required_argument, NULL, OPT_FILEPID},
        {"midplane", required_argument, NULL, OPT_MIDPLANE},
        {"iomem-size", required_argument, NULL, OPT_IOMEM},
        {"disk0", required_argument, NULL, OPT_DISK0},
        {"disk1", required_argument, NULL, OPT_DISK1},
        {"startup-config", required_argument, NULL, 'C'},
        {"private-config", required_argument, NULL, OPT_PRIVATE_CONFIG},
        {"jit", no_argument, NULL, OPT_JIT},
        {"jit-lockstep", no_argument, NULL, OPT_JIT_LOCKSTEP},
        {"jit-perf-map", no_argument, NULL, OPT_JIT_PERF_MAP},
        {"sparse-mem", no_argument, NULL, OPT_SPARSE_MEM},
        {"no-auto-idle", no_argument, NULL, OPT_NO_AUTO_IDLE},
        {"help", no_argument, NULL, OPT_HELP},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };

    const char *platform = "7200";
    const char *log_path = "dynamips_log.txt";
    const char *console_bind = NULL;
    const char *filepid = NULL;
    int con_port = -1, aux_port = -1, noctrl = 0, notelnetmsg = 0;
    int file_naming = 1, ram_mmap = 1, deterministic = 0;
    int jit = 0, jit_lockstep = 0, jit_perf_map = 0, sparse_mem = 0, auto_idle = 1;
    int ghost_status = 0;
    const char *ghost_file = NULL;
    long long ram = -1, rom = -1, nvram = -1, confreg = -1, inst = 0;
    unsigned long long idle_pc = 0;
    const char *npe = NULL, *trace = NULL, *mac = NULL, *midplane = NULL;
    const char *startup_cfg = NULL, *private_cfg = NULL;
    const char *system_id = NULL;
    long long disk_mb[2] = {-1, -1}; /* --disk0, --disk1 */
    unsigned long long v;
    int c;
    char why[512];
    struct c7200_pa_cmdline slots_store; /* -p / -s, plain storage */
    struct c7200_pa_cmdline *slots = &slots_store;
    c7200_pa_cmdline_init(slots);
    struct mid_cmdline mid_slots; /* the same for the other platforms */
    mid_cmdline_init(&mid_slots, NULL, NULL);
    enum { SLOT_ARGS_MAX = 256 };
    const char *slot_arg[SLOT_ARGS_MAX];
    char slot_opt[SLOT_ARGS_MAX];
    int nslot_args = 0;
    long long iomem = -1;

    opterr = 0;
    while ((c = getopt_long(argc, argv, ":P:t:r:o:n:c:C:i:N:l:Xjk:T:A:hm:I:p:s:g:G:",
                            longopts, NULL)) != -1) {
        switch (c) {
        case 'P': platform = optarg; break;
        case 't': npe = optarg; break;
        case 'm': {
            uint8_t b[6];
            if (c7200_mac_parse(optarg, b) < 0)
                return bad_value("-m", optarg, "MAC address expected "
                                 "(aa:bb:cc:dd:ee:ff or aabb.ccdd.eeff)");
            mac = optarg;
            break;
        }
        case 'C': startup_cfg = optarg; break;
        case 'I': system_id = optarg; break;
        case 'p':
        case 's':
            /* checked once the platform is known (-P may come later) */
            if (nslot_args == SLOT_ARGS_MAX)
                return bad_value(c == 'p' ? "-p" : "-s", optarg,
                                 "too many -p / -s options");
            slot_opt[nslot_args] = (char)c;
            slot_arg[nslot_args++] = optarg;
            break;
        case OPT_IOMEM:
            if (parse_uint(optarg, 100, &v))
                return bad_value("--iomem-size", optarg,
                                 "percentage 0-100 expected");
            iomem = (long long)v;
            break;
        case OPT_PRIVATE_CONFIG: private_cfg = optarg; break;
        case OPT_MIDPLANE:
            if (!c7200_eeprom_find(C7200_EEPROM_MIDPLANE, optarg))
                return bad_value("--midplane", optarg, "std or vxr expected");
            midplane = optarg;
            break;
        case 'r':
            if (parse_uint(optarg, 65536, &v) || v == 0)
                return bad_value("-r", optarg, "RAM size in MiB expected");
            ram = (long long)v;
            break;
        case 'o':
            if (parse_uint(optarg, 256, &v) || v == 0)
                return bad_value("-o", optarg, "ROM size in MiB expected");
            rom = (long long)v;
            break;
        case 'n':
            if (parse_uint(optarg, 65536, &v) || v == 0)
                return bad_value("-n", optarg, "NVRAM size in KiB expected");
            nvram = (long long)v;
            break;
        case OPT_DISK0:
        case OPT_DISK1:
            if (parse_uint(optarg, ATA_DISK_MAX_MB, &v))
                return bad_value(c == OPT_DISK0 ? "--disk0" : "--disk1", optarg,
                                 "disk size in MiB expected (0 = none, at "
                                 "most 4095)");
            disk_mb[c == OPT_DISK1] = (long long)v;
            break;
        case 'c':
            if (parse_uint(optarg, 0xFFFF, &v))
                return bad_value("-c", optarg,
                                 "16-bit configuration register expected");
            confreg = (long long)v;
            break;
        case 'i':
            if (parse_uint(optarg, INT_MAX, &v))
                return bad_value("-i", optarg, "instance ID expected");
            inst = (long long)v;
            break;
        case 'N':
            if (parse_uint(optarg, 1, &v))
                return bad_value("-N", optarg, "0 or 1 expected");
            file_naming = (int)v;
            break;
        case 'l': log_path = optarg; break;
        case 'X': ram_mmap = 0; break;
        case 'g':
        case 'G':
            ghost_status = c == 'g' ? 1 : 2;
            ghost_file = optarg;
            break;
        case OPT_SPARSE_MEM: sparse_mem = 1; break;
        case OPT_NO_AUTO_IDLE: auto_idle = 0; break;
        case 'j': jit = -1; break; /* wins over --jit */
        case 'k':
            if (parse_uint(optarg, INT_MAX, &v) || v == 0)
                return bad_value("-k", optarg, "non-zero clock divisor expected");
            break;
        case 'T':
            if (parse_uint(optarg, 65535, &v) || v == 0)
                return bad_value("-T", optarg, "TCP port expected");
            con_port = (int)v;
            break;
        case 'A':
            if (parse_uint(optarg, 65535, &v) || v == 0)
                return bad_value("-A", optarg, "TCP port expected");
            aux_port = (int)v;
            break;
        case OPT_IDLE_PC: {
            char *end;
            errno = 0;
            idle_pc = strtoull(optarg, &end, 16);
            if (errno || *end || !*optarg)
                return bad_value("--idle-pc", optarg, "hexadecimal address expected");
            break;
        }
        case OPT_NOCTRL: noctrl = 1; break;
        case OPT_NOTELNETMSG: notelnetmsg = 1; break;
        case OPT_CONSOLE_BIND: console_bind = optarg; break;
        case OPT_TIMER_ITV:
        case OPT_VM_DEBUG:
            if (parse_uint(optarg, INT_MAX, &v))
                return bad_value(c == OPT_TIMER_ITV ? "--timer-itv" : "--vm-debug",
                                 optarg, "number expected");
            break;
        case OPT_TRACE: trace = optarg; break;
        case OPT_DETERMINISTIC: deterministic = 1; break;
        case OPT_FILEPID: filepid = optarg; break;
        case OPT_JIT: if (jit == 0) jit = 1; break;
        case OPT_JIT_LOCKSTEP:
            if (jit == 0) jit = 1;
            jit_lockstep = 1;
            break;
        case OPT_JIT_PERF_MAP: jit_perf_map = 1; break;
        case 'h':
        case OPT_HELP:
            usage(stdout);
            return 0;
        case OPT_VERSION:
            banner();
            return 0;
        case ':':
            fprintf(stderr, "dynamips: option '%s' needs a value\n",
                    argv[optind - 1]);
            usage(stderr);
            return EXIT_USAGE;
        default:
            fprintf(stderr, "dynamips: unknown option '%s'\n",
                    argv[optind - 1]);
            usage(stderr);
            return EXIT_USAGE;
        }
    }

    banner();

    const char *pname = NULL;
    static const char *const platforms[][2] = {
        {"7200", "c7200"}, {"3600", "c3600"}, {"2691", "c2691"},
        {"3725", "c3725"}, {"3745", "c3745"},
    };
    for (size_t i = 0; i < sizeof(platforms) / sizeof(platforms[0]); i++)
        if (strcmp(platform, platforms[i][0]) == 0)
            pname = platforms[i][1];
    if (!pname) {
        fprintf(stderr, "Invalid platform type '%s'\n", platform);
        return EXIT_USAGE;
    }
    const struct machine_ops *mops = machine_find(pname);
    /* c3600-c2691-c37xx.md: -t picks the c3600 chassis */
    const struct mid_platform *mplat = mid_platform_find(pname);
    const struct mid_model *mmodel = NULL;
    if (mplat) {
        mmodel = mid_model_find(mplat, npe);
        if (!mmodel)
            return bad_value("-t", npe, mplat->nmodels > 1
                                            ? "3620, 3640 or 3660 expected"
                                            : "this platform has one model");
        mid_cmdline_init(&mid_slots, mplat, mmodel);
    }
    if (system_id && strcmp(pname, "c2691") == 0) /* hypervisor.md §7.4 */
        return bad_value("-I", system_id, "not offered on the 2691");
    for (int i = 0; i < nslot_args; i++) {
        int is_p = slot_opt[i] == 'p';
        int rc = mplat ? (is_p ? mid_cmdline_card(&mid_slots, slot_arg[i],
                                                  why, sizeof(why))
                               : mid_cmdline_nio(&mid_slots, slot_arg[i],
                                                 why, sizeof(why)))
                       : (is_p ? c7200_pa_cmdline_card(slots, slot_arg[i],
                                                       why, sizeof(why))
                               : c7200_pa_cmdline_nio(slots, slot_arg[i],
                                                      why, sizeof(why)));
        if (rc < 0)
            return bad_value(is_p ? "-p" : "-s", slot_arg[i], why);
    }
    if ((mplat ? mid_cmdline_check(&mid_slots, why, sizeof(why))
               : c7200_pa_cmdline_check(slots, why, sizeof(why))) < 0) {
        fprintf(stderr, "dynamips: %s\n", why);
        return EXIT_USAGE;
    }
    char fw_path[PATH_MAX];
    const char *image = NULL;
    if (optind == argc - 1) {
        image = argv[optind];
    } else if (optind < argc) {
        fprintf(stderr, "dynamips: more than one image given\n");
        usage(stderr);
        return EXIT_USAGE;
    } else if (default_firmware(fw_path, sizeof(fw_path)) == 0) {
        /* every platform here runs it (guest/firmware/plat.c) */
        /* No image: the project's open router firmware (IOS can't ship). */
        image = fw_path;
        printf("No image given: running the open router firmware %s\n\n",
               image);
        fflush(stdout);
    } else {
        fprintf(stderr, "dynamips: no image given (and no open firmware "
                        "for this platform found)\n");
        usage(stderr);
        return EXIT_USAGE;
    }

    struct vm_config cfg;
    vm_config_init(&cfg, mops);
    free(cfg.image);
    cfg.image = strdup(image);
    cfg.instance_id = (int)inst;
    cfg.file_naming_by_id = file_naming;
    cfg.ram_mmap = ram_mmap;
    cfg.sparse_mem = sparse_mem;
    cfg.auto_idle = auto_idle;
    cfg.ghost_status = ghost_status;
    if (ghost_file)
        cfg.ghost_file = strdup(ghost_file);
    cfg.deterministic = deterministic || (jit > 0 && jit_lockstep);
    if (jit)
        cfg.jit = jit > 0;
    cfg.jit_lockstep = jit > 0 && jit_lockstep;
    cfg.jit_perf_map = jit_perf_map;
    cfg.idle_pc = idle_pc;
    if (ram > 0) cfg.ram_mb = (unsigned)ram;
    if (rom > 0) cfg.rom_mb = (unsigned)rom;
    if (nvram > 0) cfg.nvram_kb = (unsigned)nvram;
    if (disk_mb[0] >= 0) cfg.disk0_mb = (unsigned)disk_mb[0];
    if (disk_mb[1] >= 0) cfg.disk1_mb = (unsigned)disk_mb[1];
    if (confreg >= 0) cfg.confreg = (uint32_t)confreg;
    if (npe && mplat) {
        cfg.chassis = strdup(npe);
    } else if (npe) {
        free(cfg.npe);
        cfg.npe = strdup(npe);
    }
    if (iomem >= 0)
        cfg.iomem_pct = (unsigned)iomem;
    if (midplane) {
        free(cfg.midplane);
        cfg.midplane = strdup(midplane);
    }
    if (mac) {
        free(cfg.mac);
        cfg.mac = strdup(mac);
    }
    if (system_id) {
        free(cfg.system_id);
        cfg.system_id = strdup(system_id);
    }
    if (trace)
        cfg.trace_path = strdup(trace);
    /* Config files pushed into NVRAM at start (hypervisor.md §7.4): one
     * that cannot be read stops us here, before any file is touched. */
    const char *cfg_files[2] = {startup_cfg, private_cfg};
    for (int i = 0; i < 2; i++) {
        struct stat st;
        const char *what = i ? "private-config" : "startup-config";
        if (!cfg_files[i])
            continue;
        if (access(cfg_files[i], R_OK) < 0 || stat(cfg_files[i], &st) < 0) {
            fprintf(stderr, "dynamips: %s file %s: %s\n", what, cfg_files[i],
                    strerror(errno));
            vm_config_free(&cfg);
            return EXIT_START_FAILED;
        }
        if (S_ISDIR(st.st_mode)) {
            fprintf(stderr, "dynamips: %s file %s: is a directory\n", what,
                    cfg_files[i]);
            vm_config_free(&cfg);
            return EXIT_START_FAILED;
        }
    }
    if (startup_cfg)
        cfg.startup_config = strdup(startup_cfg);
    if (private_cfg)
        cfg.private_config = strdup(private_cfg);
    cfg.con.noctrl = cfg.aux.noctrl = noctrl;
    cfg.con.notelnetmsg = cfg.aux.notelnetmsg = notelnetmsg;
    cfg.con.bind_addr = cfg.aux.bind_addr = console_bind;
    if (con_port > 0) {
        cfg.con.type = VTTY_TCP;
        cfg.con.tcp_port = con_port;
    }
    if (aux_port > 0) {
        cfg.aux.type = VTTY_TCP;
        cfg.aux.tcp_port = aux_port;
    }

    if (filepid) {
        FILE *f = fopen(filepid, "w");
        if (!f) {
            fprintf(stderr, "dynamips: %s: %s\n", filepid, strerror(errno));
            vm_config_free(&cfg);
            return EXIT_START_FAILED;
        }
        fprintf(f, "%ld\n", (long)getpid());
        fclose(f);
    }

    struct logger *log = log_open(log_path);
    if (!log) {
        fprintf(stderr, "dynamips: cannot open log file %s: %s\n", log_path,
                strerror(errno));
        vm_config_free(&cfg);
        return EXIT_START_FAILED;
    }

    /* Signals are taken synchronously by the main thread. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGUSR1);
    sigaddset(&sigs, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    int status = EXIT_STOPPED;
    char err[512] = "";
    struct evloop *ev = evloop_create();
    if (!ev || evloop_start_thread(ev) < 0) {
        fprintf(stderr, "dynamips: cannot start the event loop\n");
        status = EXIT_START_FAILED;
        goto out;
    }
    struct vm *vm = vm_create(&cfg, mops, log, ev, err, sizeof(err));
    if (!vm) {
        fprintf(stderr, "dynamips: %s\n", err);
        status = EXIT_START_FAILED;
        goto out;
    }
    /* -p / -s: cards and NIOs before the start (hypervisor.md §7.4) */
    int prc = mplat ? mid_cmdline_apply(&mid_slots, vm, ev, log, err,
                                        sizeof(err))
                    : c7200_pa_cmdline_apply(slots, vm, ev, log, err,
                                             sizeof(err));
    if (prc < 0) {
        fprintf(stderr, "dynamips: %s\n", err);
        vm_destroy(vm);
        status = prc == -EINVAL ? EXIT_USAGE : EXIT_START_FAILED;
        goto out;
    }
    struct run_state rs = {.main_thread = pthread_self()};
    int src = vm_start(vm, on_vm_stop, &rs, err, sizeof(err));
    if (src < 0) {
        fprintf(stderr, "dynamips: %s\n", err);
        vm_destroy(vm);
        status = EXIT_START_FAILED;
        goto out;
    }
    if (src > 0) {
        /* -g: the ghost file is written; the router never runs */
        vtty_term_restore(vm->con);
        vm_destroy(vm);
        printf("Ghost RAM file '%s' generated.\n", ghost_file);
        goto out;
    }
    for (;;) {
        int sig = 0;
        if (sigwait(&sigs, &sig) != 0)
            continue;
        if (sig == SIGHUP)
            continue;
        break; /* SIGUSR1: the router stopped; SIGINT/SIGTERM: stop it */
    }
    vm_stop(vm);
    if (vm->halted_on_error)
        status = EXIT_GUEST_HALT;
    vtty_term_restore(vm->con);
    vm_destroy(vm);
out:
    c7200_pa_cmdline_release(slots); /* its NIOs, now unbound */
    mid_cmdline_release(&mid_slots);
    if (ev)
        evloop_destroy(ev);
    log_close(log);
    vm_config_free(&cfg);
    if (status == EXIT_GUEST_HALT)
        fprintf(stderr, "dynamips: the router halted on a guest error "
                        "(see %s)\n", log_path);
    return status;
}
