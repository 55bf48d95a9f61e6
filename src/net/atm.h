/*
 * ATM cells and AAL5 (shared spec network.md §11.1, §11.3, §11.4).
 *
 * A cell is 53 bytes: a 4-byte header read as one big-endian word with a
 * 12-bit VPI (NNI layout: VPI 31-20, VCI 19-4, PTI 3-1, CLP 0), the HEC
 * (ITU-T I.432: CRC-8 x^8+x^2+x+1 over the header, XOR 0x55), and 48
 * payload bytes. One cell is one frame on an ATM NIO.
 *
 * AAL5 (ITU-T I.363.5): the PDU is padded so that an 8-byte trailer
 * (CPCS-UU 0, CPI 0, length, CRC-32) ends the last cell, which carries
 * PTI bit "end of PDU". The CRC emitted is the standard AAL5 CRC-32
 * (polynomial 0x04C11DB7, MSB first, initial all ones, complemented);
 * the reference emitted the bit-reflected (zlib) value instead. No
 * receiver checks it, here or in the reference (§13).
 */
#ifndef NET_ATM_H
#define NET_ATM_H

#include <stddef.h>
#include <stdint.h>

#define ATM_CELL_SIZE 53
#define ATM_HDR_SIZE 5 /* with the HEC */
#define ATM_PAYLOAD_SIZE 48
#define ATM_VPI_MAX 4095
#define ATM_VCI_MAX 65535

#define ATM_PTI_EOP 0x2 /* header word bit: AAL5 end of PDU (user cell) */
#define ATM_PTI_NUSER 0x8 /* header word bit: OAM / RM cell */

#define AAL5_TRAILER_SIZE 8
#define AAL5_MAX_PDU 65535
#define AAL5_REASM_SIZE 16384 /* spec §11.4 */

static inline uint32_t atm_hdr_word(const uint8_t *cell)
{
    return (uint32_t)cell[0] << 24 | (uint32_t)cell[1] << 16 |
           (uint32_t)cell[2] << 8 | cell[3];
}

static inline unsigned atm_vpi(uint32_t w)
{
    return w >> 20;
}

static inline unsigned atm_vci(uint32_t w)
{
    return (w >> 4) & 0xFFFF;
}

static inline uint32_t atm_make_hdr(unsigned vpi, unsigned vci)
{
    return (uint32_t)vpi << 20 | (uint32_t)vci << 4;
}

/* HEC of header bytes 0-3. */
uint8_t atm_hec(const uint8_t *hdr);
/* Write the header word and its HEC into cell[0..4]. */
void atm_put_hdr(uint8_t *cell, uint32_t word);

/* AAL5 CRC-32 over len bytes, continuing crc (start with 0xFFFFFFFF;
 * complement the final value). */
uint32_t aal5_crc_update(uint32_t crc, const uint8_t *p, size_t len);

/*
 * Segment pdu into AAL5 cells on vpi/vci; emit(arg, cell) is called for
 * each 53-byte cell in order. Returns the number of cells, or -EMSGSIZE
 * for a PDU longer than AAL5_MAX_PDU.
 */
int aal5_segment(const uint8_t *pdu, size_t len, unsigned vpi, unsigned vci,
                 void (*emit)(void *arg, const uint8_t *cell), void *arg);

/* Reassembly context (one per VC). */
struct aal5_reasm {
    size_t len;
    uint8_t buf[AAL5_REASM_SIZE];
};

/*
 * Add one cell. Returns the PDU length when the cell completes a PDU (the
 * PDU is r->buf[0..len), valid until the next call), 0 when more cells are
 * needed or the cell was ignored (OAM), -EMSGSIZE when the buffer
 * overflowed and the partial PDU was discarded, -EBADMSG when the trailer's
 * length does not fit what was received.
 */
int aal5_reasm_cell(struct aal5_reasm *r, const uint8_t *cell);

#endif
