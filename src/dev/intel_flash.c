/*
 * Intel 28F008SA/28F016SA command state machine, one chip in byte mode.
 * See intel_flash.h for the command set and the choices made.
 */
#include "dev/intel_flash.h"

#include <string.h>

#include "core/log.h"

/* Command bytes (28F016SA datasheet, table "Command Definitions"). */
#define CMD_READ_ARRAY 0xFF
#define CMD_READ_ID 0x90
#define CMD_READ_STATUS 0x70
#define CMD_CLEAR_STATUS 0x50
#define CMD_PROGRAM 0x40
#define CMD_PROGRAM_ALT 0x10
#define CMD_ERASE 0x20
#define CMD_CONFIRM 0xD0 /* erase confirm, buffer confirm, resume */
#define CMD_SUSPEND 0xB0
#define CMD_WRITE_BUFFER 0xE8 /* c7200.md §14 */

#define ID_OFFSET_MANUFACTURER 0
#define ID_OFFSET_DEVICE 1

/* A setup command not followed by its confirm byte (datasheet). */
#define SR_SEQUENCE_ERROR (INTEL_FLASH_SR_ERASE_ERR | INTEL_FLASH_SR_PROG_ERR)

#define LOGGED_UNKNOWN_CMD 0x01u
#define LOGGED_BUF_RANGE 0x02u

static const struct intel_flash_model intel_flash_models[] = {
    /* c7200.md §14: manufacturer 0x89, device 0xA0; 28F016SA datasheet:
     * 16 Mbit, 32 blocks of 64 KB */
    {"28F016SA", 0x89, 0xA0, 2u << 20, 64u << 10},
    /* c7200.md §14 (4 MB SIMM variant): device 0xA2; 28F008SA datasheet:
     * 8 Mbit, 16 blocks of 64 KB */
    {"28F008SA", 0x89, 0xA2, 1u << 20, 64u << 10},
};

const struct intel_flash_model *intel_flash_model_find(const char *name)
{
    for (size_t i = 0;
         i < sizeof(intel_flash_models) / sizeof(intel_flash_models[0]);
         i++) {
        if (name && strcmp(intel_flash_models[i].name, name) == 0) {
            return &intel_flash_models[i];
        }
    }
    return NULL;
}

void intel_flash_init(struct intel_flash *f,
                      const struct intel_flash_model *model, uint8_t *mem,
                      size_t stride, struct logger *lg, const char *name)
{
    memset(f, 0, sizeof(*f));
    f->model = model;
    f->mem = mem;
    f->stride = stride;
    f->lg = lg;
    f->name = name;
    intel_flash_reset(f);
}

void intel_flash_reset(struct intel_flash *f)
{
    f->state = INTEL_FLASH_READ_ARRAY;
    f->status = INTEL_FLASH_SR_READY;
    f->buf_count = 0;
    f->buf_loaded = 0;
    f->buf_valid = 0;
}

static uint8_t *cell(struct intel_flash *f, uint32_t off)
{
    return &f->mem[(size_t)off * f->stride];
}

/* Programming pulls bits to 0 only: an erase is the way back to 1. */
static void program_byte(struct intel_flash *f, uint32_t off, uint8_t value)
{
    if (off < f->model->size) {
        *cell(f, off) &= value;
    }
}

static void erase_block(struct intel_flash *f, uint32_t off)
{
    uint32_t start = off & ~(f->model->block_size - 1);
    for (uint32_t k = 0; k < f->model->block_size; k++) {
        *cell(f, start + k) = 0xFF;
    }
}

static void command(struct intel_flash *f, uint32_t off, uint8_t cmd)
{
    switch (cmd) {
    case CMD_READ_ARRAY:
        f->state = INTEL_FLASH_READ_ARRAY;
        break;
    case CMD_READ_ID:
        f->state = INTEL_FLASH_READ_ID;
        break;
    case CMD_READ_STATUS:
    case CMD_SUSPEND: /* nothing runs: the status shows ESS = 0 */
    case CMD_CONFIRM: /* resume with nothing suspended */
        f->state = INTEL_FLASH_READ_STATUS;
        break;
    case CMD_CLEAR_STATUS:
        f->status = INTEL_FLASH_SR_READY;
        f->state = INTEL_FLASH_READ_ARRAY; /* c7200.md §14 */
        break;
    case CMD_PROGRAM:
    case CMD_PROGRAM_ALT:
        f->state = INTEL_FLASH_PROGRAM_SETUP;
        break;
    case CMD_ERASE:
        f->state = INTEL_FLASH_ERASE_SETUP;
        break;
    case CMD_WRITE_BUFFER:
        f->state = INTEL_FLASH_BUF_COUNT;
        f->buf_base = off; /* the buffer starts where E8 was written */
        f->buf_count = f->buf_loaded = 0;
        f->buf_valid = 0;
        break;
    default:
        if (!(f->logged & LOGGED_UNKNOWN_CMD)) {
            f->logged |= LOGGED_UNKNOWN_CMD;
            log_msg(f->lg, "FLASH", "%s: unimplemented command 0x%02x at "
                    "0x%x (read array instead)", f->name, cmd, off);
        }
        f->state = INTEL_FLASH_READ_ARRAY;
        break;
    }
}

uint8_t intel_flash_read(struct intel_flash *f, uint32_t off)
{
    if (off >= f->model->size) {
        return 0;
    }
    switch (f->state) {
    case INTEL_FLASH_READ_ARRAY:
        return *cell(f, off);
    case INTEL_FLASH_READ_ID:
        if (off == ID_OFFSET_MANUFACTURER) {
            return f->model->manufacturer;
        }
        return off == ID_OFFSET_DEVICE ? f->model->device : 0;
    default:
        /* every other mode shows the status register */
        return f->status;
    }
}

static void buffer_commit(struct intel_flash *f)
{
    for (unsigned i = 0; i < f->buf_count; i++) {
        if (f->buf_valid & (1u << i)) {
            program_byte(f, f->buf_base + i, f->buf[i]);
        }
    }
}

void intel_flash_write(struct intel_flash *f, uint32_t off, uint8_t value)
{
    if (off >= f->model->size) {
        return;
    }
    switch (f->state) {
    case INTEL_FLASH_PROGRAM_SETUP:
        program_byte(f, off, value);
        f->state = INTEL_FLASH_READ_STATUS;
        break;
    case INTEL_FLASH_ERASE_SETUP:
        if (value == CMD_CONFIRM) {
            erase_block(f, off);
        } else {
            f->status |= SR_SEQUENCE_ERROR;
        }
        f->state = INTEL_FLASH_READ_STATUS;
        break;
    case INTEL_FLASH_BUF_COUNT:
        f->buf_count = (uint8_t)((value & 0x1F) + 1); /* c7200.md §14 */
        f->state = INTEL_FLASH_BUF_DATA;
        break;
    case INTEL_FLASH_BUF_DATA:
        if (off >= f->buf_base && off - f->buf_base < f->buf_count) {
            unsigned i = off - f->buf_base;
            f->buf[i] = value;
            f->buf_valid |= 1u << i;
            if (++f->buf_loaded == f->buf_count) {
                f->state = INTEL_FLASH_BUF_CONFIRM;
            }
        } else if (!(f->logged & LOGGED_BUF_RANGE)) {
            f->logged |= LOGGED_BUF_RANGE;
            log_msg(f->lg, "FLASH", "guest error: %s: buffer write at 0x%x "
                    "outside 0x%x..+%u (ignored)", f->name, off, f->buf_base,
                    f->buf_count);
        }
        break;
    case INTEL_FLASH_BUF_CONFIRM:
        if (value == CMD_CONFIRM) {
            buffer_commit(f);
        } else {
            f->status |= SR_SEQUENCE_ERROR;
        }
        f->state = INTEL_FLASH_READ_STATUS;
        break;
    default:
        /* read modes: the byte is a command */
        command(f, off, value);
        break;
    }
}
