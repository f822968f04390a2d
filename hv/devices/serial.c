/* 16550A UART at COM1 (0x3f8, IRQ 4): guest output to stdout (or --serial
 * FILE), host stdin to the guest. Enough of the chip for Linux's 8250
 * autoconfig (scratch, FIFO, loopback) and for polled kvm-unit-tests I/O. */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "hv/device.h"
#include "hv/layout.h"
#include "hv/log.h"
#include "hv/vm.h"

#define SERIAL_IRQ     4
#define UART_IER_RDI   0x01  /* receive data available */
#define UART_IER_THRI  0x02  /* transmitter holding register empty */
#define UART_IIR_NONE  0x01
#define UART_IIR_THRI  0x02
#define UART_IIR_RDI   0x04
#define UART_IIR_FIFO  0xc0
#define UART_FCR_ENABLE 0x01
#define UART_FCR_CLEAR_RX 0x02
#define UART_LCR_DLAB  0x80
#define UART_MCR_LOOP  0x10
#define UART_LSR_DR    0x01
#define UART_LSR_THRE  0x20
#define UART_LSR_TEMT  0x40
#define UART_MSR_DCD_DSR_CTS 0xb0
#define RX_SIZE 1024

struct serial {
	struct vm *vm;
	pthread_mutex_t lock;
	uint8_t ier, lcr, mcr, scr, fcr, dll, dlm;
	bool thri_pending;
	int irq_level;
	uint8_t rx[RX_SIZE];
	unsigned rx_head, rx_tail;   /* head: next to read */
	int out_fd;
	char out[4096];
	size_t out_len;
	uint64_t tx_bytes, rx_bytes;
	bool raw_tty;
	struct termios saved_tty;
};

static struct serial com1;

static void serial_flush(struct serial *s)
{
	size_t off = 0;

	while (off < s->out_len) {
		ssize_t n = write(s->out_fd, s->out + off, s->out_len - off);

		if (n <= 0)
			break;
		off += n;
	}
	s->out_len = 0;
}

static bool rx_empty(const struct serial *s)
{
	return s->rx_head == s->rx_tail;
}

static void rx_push(struct serial *s, uint8_t c)
{
	unsigned next = (s->rx_tail + 1) % RX_SIZE;

	if (next != s->rx_head) {
		s->rx[s->rx_tail] = c;
		s->rx_tail = next;
	}
}

static uint8_t serial_iir(const struct serial *s)
{
	uint8_t fifo = (s->fcr & UART_FCR_ENABLE) ? UART_IIR_FIFO : 0;

	if ((s->ier & UART_IER_RDI) && !rx_empty(s))
		return UART_IIR_RDI | fifo;
	if ((s->ier & UART_IER_THRI) && s->thri_pending)
		return UART_IIR_THRI | fifo;
	return UART_IIR_NONE | fifo;
}

static void serial_update_irq(struct serial *s)
{
	int level = !(serial_iir(s) & UART_IIR_NONE);

	/* OUT2 gates the interrupt line on a PC, but Linux probes IRQs with
	 * it set; follow the level only. */
	if (level != s->irq_level) {
		s->irq_level = level;
		vm_irq_line(s->vm, SERIAL_IRQ, level);
	}
}

static void serial_tx(struct serial *s, uint8_t c)
{
	if (s->mcr & UART_MCR_LOOP) {
		rx_push(s, c);
		return;
	}
	s->tx_bytes++;
	s->out[s->out_len++] = c;
	if (c == '\n' || s->out_len == sizeof(s->out))
		serial_flush(s);
}

static uint8_t serial_read(struct serial *s, uint64_t reg)
{
	uint8_t v;

	switch (reg) {
	case 0:
		if (s->lcr & UART_LCR_DLAB)
			return s->dll;
		if (rx_empty(s))
			return 0;
		v = s->rx[s->rx_head];
		s->rx_head = (s->rx_head + 1) % RX_SIZE;
		s->rx_bytes++;
		return v;
	case 1:
		return (s->lcr & UART_LCR_DLAB) ? s->dlm : s->ier;
	case 2:  /* IIR: reading it acknowledges a THR-empty interrupt */
		v = serial_iir(s);
		if ((v & 0x0f) == UART_IIR_THRI)
			s->thri_pending = false;
		return v;
	case 3:
		return s->lcr;
	case 4:
		return s->mcr;
	case 5:  /* LSR: the transmitter is always empty, we send at once */
		return UART_LSR_THRE | UART_LSR_TEMT | (rx_empty(s) ? 0 : UART_LSR_DR);
	case 6:  /* MSR: in loopback the modem inputs mirror MCR */
		if (s->mcr & UART_MCR_LOOP)
			return (uint8_t)((s->mcr & 0x0c) << 4 | (s->mcr & 0x01) << 5 |
					 (s->mcr & 0x02) << 3);
		return UART_MSR_DCD_DSR_CTS;
	default:
		return s->scr;
	}
}

static void serial_write(struct serial *s, uint64_t reg, uint8_t v)
{
	switch (reg) {
	case 0:
		if (s->lcr & UART_LCR_DLAB) {
			s->dll = v;
		} else {
			serial_tx(s, v);
			s->thri_pending = true;
		}
		break;
	case 1:
		if (s->lcr & UART_LCR_DLAB) {
			s->dlm = v;
		} else {
			/* enabling THRI with an empty transmitter interrupts at once */
			if (!(s->ier & UART_IER_THRI) && (v & UART_IER_THRI))
				s->thri_pending = true;
			s->ier = v & 0x0f;
		}
		break;
	case 2:
		s->fcr = v;
		if (v & UART_FCR_CLEAR_RX)
			s->rx_head = s->rx_tail;
		break;
	case 3: s->lcr = v; break;
	case 4: s->mcr = v; break;
	case 7: s->scr = v; break;
	default: break;  /* LSR/MSR writes are ignored */
	}
}

static void serial_io(struct vcpu *vcpu, void *opaque, uint64_t off, uint8_t *data,
		      uint32_t len, bool is_write)
{
	struct serial *s = opaque;

	(void)vcpu;
	pthread_mutex_lock(&s->lock);
	for (uint32_t i = 0; i < len && off + i < 8; i++) {
		if (is_write)
			serial_write(s, off + i, data[i]);
		else
			data[i] = serial_read(s, off + i);
	}
	serial_update_irq(s);
	pthread_mutex_unlock(&s->lock);
}

static void *serial_stdin_thread(void *arg)
{
	struct serial *s = arg;
	uint8_t buf[64];
	ssize_t n;

	pthread_setname_np(pthread_self(), "serial-in");
	while ((n = read(STDIN_FILENO, buf, sizeof(buf))) > 0) {
		pthread_mutex_lock(&s->lock);
		for (ssize_t i = 0; i < n; i++)
			rx_push(s, buf[i]);
		serial_update_irq(s);
		pthread_mutex_unlock(&s->lock);
	}
	return NULL;
}

/* Put the terminal back however hv ends (die() after init included). */
static void serial_restore_tty(void)
{
	if (com1.raw_tty) {
		tcsetattr(STDIN_FILENO, TCSANOW, &com1.saved_tty);
		com1.raw_tty = false;
	}
}

static json_t *serial_stats(void *opaque)
{
	struct serial *s = opaque;

	return json_pack("{s:I, s:I}", "tx_bytes", (json_int_t)s->tx_bytes,
			 "rx_bytes", (json_int_t)s->rx_bytes);
}

static int serial__init(struct vm *vm)
{
	struct serial *s = &com1;
	pthread_t t;

	s->vm = vm;
	pthread_mutex_init(&s->lock, NULL);
	s->out_fd = STDOUT_FILENO;
	if (vm->cfg->serial_out) {
		s->out_fd = open(vm->cfg->serial_out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (s->out_fd < 0) {
			fprintf(stderr, "hv: --serial %s: cannot open for writing\n", vm->cfg->serial_out);
			return -1;
		}
	}
	if (io_bus_register(&vm->pio, PORT_SERIAL_COM1, 8, serial_io, s, "serial"))
		return -1;
	vm_add_stats_source(vm, "serial", serial_stats, s);
	if (isatty(STDIN_FILENO) && !tcgetattr(STDIN_FILENO, &s->saved_tty)) {
		struct termios raw = s->saved_tty;

		/* characters go to the guest as typed; Ctrl-C still stops hv */
		raw.c_lflag &= ~(ICANON | ECHO);
		if (!tcsetattr(STDIN_FILENO, TCSANOW, &raw)) {
			s->raw_tty = true;
			atexit(serial_restore_tty);
		}
	}
	if (!pthread_create(&t, NULL, serial_stdin_thread, s))
		pthread_detach(t);
	return 0;
}

static void serial__exit(struct vm *vm)
{
	(void)vm;
	pthread_mutex_lock(&com1.lock);
	serial_flush(&com1);
	pthread_mutex_unlock(&com1.lock);
	serial_restore_tty();
}
hv_device_init_exit(serial__init, serial__exit, DEV_LEVEL_PLATFORM);
