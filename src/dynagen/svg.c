/*
 * SVG drawing of a topology: nodes on a circle (routers, switches, LANs,
 * host NIOs), a line per connection labelled with its interface names.
 */
#include "dynagen/svg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dynagen/dg_util.h"

enum svg_node_kind { SN_ROUTER, SN_SWITCH, SN_LAN, SN_NIO };

struct svg_node {
    enum svg_node_kind kind;
    const char *label;
    const char *sub;
    double x, y;
};

struct svg_edge {
    int a, b;
    const char *la, *lb;
};

static void svg_text(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '&':
            fputs("&amp;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        default:
            fputc(*s, out);
        }
    }
}

void svg_write(const struct topo *t, FILE *out)
{
    size_t cap = t->ndevs + t->nbridges + 1;
    for (size_t i = 0; i < t->ndevs; i++) {
        cap += t->devs[i].nconns;
    }
    struct svg_node *nodes = dg_calloc(cap, sizeof(*nodes));
    struct svg_edge *edges = dg_calloc(cap, sizeof(*edges));
    size_t nn = 0, ne = 0;
    for (size_t i = 0; i < t->ndevs; i++) {
        const struct topo_dev *d = &t->devs[i];
        nodes[nn].kind = d->kind == T_ROUTER ? SN_ROUTER : SN_SWITCH;
        nodes[nn].label = d->name;
        nodes[nn].sub = topo_kind_name(d);
        nn++;
    }
    size_t lan0 = nn;
    for (size_t i = 0; i < t->nbridges; i++) {
        nodes[nn].kind = SN_LAN;
        nodes[nn].label = t->bridges[i].name;
        nodes[nn].sub = "LAN";
        nn++;
    }
    for (size_t i = 0; i < t->ndevs; i++) {
        const struct topo_dev *d = &t->devs[i];
        for (size_t k = 0; k < d->nconns; k++) {
            const struct topo_conn *c = &d->conns[k];
            const char *mine = c->ifname;
            char *port = NULL;
            if (!mine) {
                port = dg_printf("%d", c->port);
            }
            switch (c->peer_kind) {
            case PEER_DEV:
                /* a cable once: from the router side, or the lower index */
                if (t->devs[c->peer].kind == T_ROUTER &&
                    (d->kind != T_ROUTER || (size_t)c->peer < i)) {
                    free(port);
                    continue;
                }
                edges[ne].a = (int)i;
                edges[ne].b = c->peer;
                edges[ne].la = mine;
                {
                    const struct topo_conn *pc = NULL;
                    const struct topo_dev *p = &t->devs[c->peer];
                    for (size_t j = 0; j < p->nconns; j++) {
                        if (p->conns[j].peer == (int)i &&
                            p->conns[j].peer_kind == PEER_DEV &&
                            p->conns[j].nio && p->conns[j].slot == c->peer_slot &&
                            p->conns[j].port == c->peer_port) {
                            pc = &p->conns[j];
                        }
                    }
                    edges[ne].lb = pc ? (pc->ifname ? pc->ifname : NULL) : NULL;
                }
                ne++;
                break;
            case PEER_LAN:
                edges[ne].a = (int)i;
                edges[ne].b = (int)(lan0 + (size_t)c->peer);
                edges[ne].la = mine;
                ne++;
                break;
            case PEER_NIO:
                nodes[nn].kind = SN_NIO;
                nodes[nn].label = c->peer_desc;
                nodes[nn].sub = "host";
                edges[ne].a = (int)i;
                edges[ne].b = (int)nn;
                edges[ne].la = mine;
                nn++;
                ne++;
                break;
            }
            free(port);
        }
    }
    double r = nn > 1 ? 90.0 + 45.0 * (double)nn : 0.0;
    double size = 2 * r + 260;
    double cx = size / 2, cy = size / 2;
    for (size_t i = 0; i < nn; i++) {
        double ang = -M_PI / 2 + 2 * M_PI * (double)i / (double)(nn ? nn : 1);
        nodes[i].x = cx + r * cos(ang);
        nodes[i].y = cy + r * sin(ang);
    }
    fprintf(out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
            "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
            "font-family=\"sans-serif\" font-size=\"12\">\n",
            size, size, size, size);
    fprintf(out, "<title>");
    svg_text(out, t->lab && t->lab->path ? t->lab->path : "lab");
    fprintf(out, "</title>\n<rect width=\"100%%\" height=\"100%%\" "
                 "fill=\"white\"/>\n");
    fprintf(out, "<g stroke=\"#444\" stroke-width=\"2\">\n");
    for (size_t i = 0; i < ne; i++) {
        const struct svg_node *a = &nodes[edges[i].a];
        const struct svg_node *b = &nodes[edges[i].b];
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
                a->x, a->y, b->x, b->y);
    }
    fprintf(out, "</g>\n<g fill=\"#222\" font-size=\"11\">\n");
    for (size_t i = 0; i < ne; i++) {
        const struct svg_node *a = &nodes[edges[i].a];
        const struct svg_node *b = &nodes[edges[i].b];
        const char *labels[2] = {edges[i].la, edges[i].lb};
        const struct svg_node *ends[2][2] = {{a, b}, {b, a}};
        for (int k = 0; k < 2; k++) {
            if (!labels[k]) {
                continue;
            }
            const struct svg_node *p = ends[k][0], *q = ends[k][1];
            double x = p->x + (q->x - p->x) * 0.28;
            double y = p->y + (q->y - p->y) * 0.28;
            fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
                    x, y - 4);
            svg_text(out, labels[k]);
            fprintf(out, "</text>\n");
        }
    }
    fprintf(out, "</g>\n");
    for (size_t i = 0; i < nn; i++) {
        const struct svg_node *n = &nodes[i];
        const char *fill = n->kind == SN_ROUTER   ? "#cfe3ff"
                           : n->kind == SN_SWITCH ? "#d8f5d0"
                           : n->kind == SN_LAN    ? "#fff2c0"
                                                  : "#eeeeee";
        fprintf(out, "<g>\n");
        if (n->kind == SN_LAN || n->kind == SN_NIO) {
            fprintf(out, "<ellipse cx=\"%.1f\" cy=\"%.1f\" rx=\"48\" "
                         "ry=\"22\" fill=\"%s\" stroke=\"#333\"/>\n",
                    n->x, n->y, fill);
        } else {
            fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"96\" "
                         "height=\"44\" rx=\"%d\" fill=\"%s\" "
                         "stroke=\"#333\"/>\n",
                    n->x - 48, n->y - 22, n->kind == SN_ROUTER ? 12 : 2, fill);
        }
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
                     "font-weight=\"bold\">",
                n->x, n->y - 2);
        svg_text(out, n->label);
        fprintf(out, "</text>\n<text x=\"%.1f\" y=\"%.1f\" "
                     "text-anchor=\"middle\" font-size=\"10\">",
                n->x, n->y + 12);
        svg_text(out, n->sub);
        fprintf(out, "</text>\n</g>\n");
    }
    fprintf(out, "</svg>\n");
    free(nodes);
    free(edges);
}
