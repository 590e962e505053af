import { afterEach, describe, expect, it } from 'vitest';
import { parseEmail, senderAuthenticated, stripQuotedAndSignature } from './email-parse.ts';
import { smtpInboundSettingsFromEnv } from './smtp-inbound.ts';
import { renderTemplate } from '../notifications/index.ts';

describe('stripQuotedAndSignature', () => {
  it('keeps the new text and drops the quoted mail and the signature', () => {
    expect(stripQuotedAndSignature('Still broken.\n\nOn Mon, 23 Nov 2026 at 10:00, ServiceLoop <service@x> wrote:\n> We have received your request')).toBe('Still broken.');
    expect(stripQuotedAndSignature('Still broken.\nOn Mon, 23 Nov 2026 at 10:00, ServiceLoop\n<service@x> wrote:\n> quoted')).toBe('Still broken.');
    expect(stripQuotedAndSignature('还是不行。\n\n在 2026年11月23日 10:00，客户服务中心 写道：\n> 您的诉求已受理')).toBe('还是不行。');
    expect(stripQuotedAndSignature('See below.\n\n-----Original Message-----\nFrom: a\nthe old text')).toBe('See below.');
    expect(stripQuotedAndSignature('Hi\n\nFrom: ServiceLoop <service@x>\nSent: Monday\nTo: me\nSubject: [SL-1]')).toBe('Hi');
    expect(stripQuotedAndSignature('Thanks\n-- \nAnn Lee\nACME Ltd')).toBe('Thanks');
    expect(stripQuotedAndSignature('line 1\n> quoted\nline 2')).toBe('line 1\nline 2');
  });

  it('gives the whole text back when stripping would leave nothing, and leaves ordinary text alone', () => {
    expect(stripQuotedAndSignature('> only a quote')).toBe('> only a quote');
    expect(stripQuotedAndSignature('From now on the unit is off.\nOnce a day it stops.')).toBe('From now on the unit is off.\nOnce a day it stops.');
  });
});

describe('parseEmail', () => {
  const mail = (headers: string[], body = 'hello') => Buffer.from([...headers, '', body].join('\r\n'));

  it('reads sender, subject, ids and thread references', async () => {
    const m = await parseEmail(
      mail(['From: "Ann Lee" <Ann@Example.org>', 'Subject: Invoice', 'Message-ID: <a1@example.org>', 'In-Reply-To: <x@y>', 'References: <r1@y> <r2@y> <x@y>', 'Date: Mon, 23 Nov 2026 01:00:00 +0000']),
    );
    expect(m).toMatchObject({ key: 'a1@example.org', from: { name: 'Ann Lee', address: 'ann@example.org' }, subject: 'Invoice', text: 'hello', date: Date.UTC(2026, 10, 23, 1) });
    expect(m.refs).toEqual(['x@y', 'r2@y', 'r1@y']); // In-Reply-To, then References newest first
  });

  it('keys a message without a Message-ID by its bytes, and names a sender without a display name by the address', async () => {
    const a = await parseEmail(mail(['From: bob@example.com', 'Subject: s']));
    const b = await parseEmail(mail(['From: bob@example.com', 'Subject: s']));
    expect(a.key).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(a.key).toBe(b.key);
    expect(a.from.name).toBe('bob');
    expect(a.date).toBeNull();
  });

  it('refuses what cannot become a case, with a code', async () => {
    await expect(parseEmail(Buffer.alloc(0))).rejects.toMatchObject({ code: 'email_empty', status: 422 });
    await expect(parseEmail(mail(['Subject: nobody']))).rejects.toMatchObject({ code: 'email_no_sender', status: 422 });
    await expect(parseEmail(mail(['From: undisclosed-recipients:;', 'Subject: s']))).rejects.toMatchObject({ code: 'email_no_sender' });
  });
});

describe('senderAuthenticated (threading by subject needs it)', () => {
  const mail = (headers: string[]) => parseEmail(Buffer.from([...headers, 'From: Ann <ann@mail.example.org>', 'Subject: Re: [SL-20261123-0042]', '', 'hi'].join('\r\n')));
  const MX = ['mx.support.example.com'];
  const auth = async (headers: string[], trusted = MX) => senderAuthenticated(await mail(headers), trusted);

  it('believes a pass only from a trusted authserv-id in the topmost Authentication-Results headers', async () => {
    expect(await auth(['Authentication-Results: mx.support.example.com; dmarc=pass (p=reject) header.from=mail.example.org'])).toBe(true);
    expect(await auth(['Authentication-Results: MX.Support.Example.com 1; dkim=pass header.d=example.org header.s=s1'])).toBe(true); // a parent domain signed
    // folded over two lines, two headers by the same server (dkim, then dmarc)
    expect(await auth(['Authentication-Results: mx.support.example.com;\r\n\tspf=pass smtp.mailfrom=mail.example.org', 'Authentication-Results: mx.support.example.com;\r\n dkim=pass header.d=mail.example.org'])).toBe(true);
    // without the setting, nothing is believed
    expect(await auth(['Authentication-Results: mx.support.example.com; dmarc=pass header.from=mail.example.org'], [])).toBe(false);
    // another authserv-id (the sender's own header)
    expect(await auth(['Authentication-Results: mx.evil.example; dmarc=pass header.from=mail.example.org'])).toBe(false);
    // a forged header lower down, below the real one (which reports a failure)
    expect(
      await auth([
        'Authentication-Results: mx.support.example.com; dkim=none; dmarc=fail header.from=mail.example.org',
        'Received: from evil by mx.support.example.com',
        'Authentication-Results: mx.support.example.com; dmarc=pass header.from=mail.example.org',
      ]),
    ).toBe(false);
    // no pass, a pass for another domain, a pass that is only SPF, a comment that says pass
    expect(await auth(['Authentication-Results: mx.support.example.com; dmarc=fail header.from=mail.example.org'])).toBe(false);
    expect(await auth(['Authentication-Results: mx.support.example.com; dkim=pass header.d=evil.example'])).toBe(false);
    expect(await auth(['Authentication-Results: mx.support.example.com; dkim=pass header.d=ail.example.org'])).toBe(false);
    expect(await auth(['Authentication-Results: mx.support.example.com; dmarc=pass header.from=evil.example'])).toBe(false);
    expect(await auth(['Authentication-Results: mx.support.example.com; spf=pass smtp.mailfrom=mail.example.org'])).toBe(false);
    expect(await auth(['Authentication-Results: mx.support.example.com; dkim=fail (dkim=pass header.d=example.org) header.d=example.org'])).toBe(false);
    expect(await auth([])).toBe(false);
  });
});

describe('automatic mail', () => {
  const mail = (headers: string[]) => Buffer.from([...headers, 'Subject: s', 'Message-ID: <m@x>', '', 'body'].join('\r\n'));

  it('takes only a null reverse path, a delivery report or MAILER-DAEMON for a bounce: postmaster@ is a person', async () => {
    expect((await parseEmail(mail(['From: postmaster@example.com']))).automatic).toBeNull();
    expect((await parseEmail(mail(['From: MAILER-DAEMON@mx.example.com']))).automatic).toBe('bounce');
    expect((await parseEmail(mail(['From: relay@example.com']), { envelopeFrom: '' })).automatic).toBe('bounce');
    expect((await parseEmail(mail(['From: relay@example.com']), { envelopeFrom: 'relay@example.com' })).automatic).toBeNull();
    expect((await parseEmail(mail(['From: a@example.com', 'Content-Type: multipart/report; report-type=delivery-status; boundary="r"']))).automatic).toBe('bounce');
    expect((await parseEmail(mail(['From: a@example.com', 'Auto-Submitted: auto-generated']))).automatic).toBe('auto_reply');
    expect((await parseEmail(mail(['From: a@example.com', 'Precedence: bulk']))).automatic).toBe('auto_reply');
  });
});

describe('smtpInboundSettingsFromEnv', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of ['SL_SMTP_INBOUND_PORT', 'SL_SMTP_INBOUND_HOST', 'SL_SMTP_INBOUND_DOMAINS', 'SL_SMTP_INBOUND_MAX_CLIENTS', 'SL_EMAIL_TRUSTED_AUTHSERV']) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });
  const withEnv = (env: Record<string, string>) => {
    Object.assign(process.env, env);
    return smtpInboundSettingsFromEnv;
  };

  it('is off without a port, on loopback by default, and names a bad setting', () => {
    delete process.env.SL_SMTP_INBOUND_PORT;
    expect(smtpInboundSettingsFromEnv()).toBeNull();
    expect(withEnv({ SL_SMTP_INBOUND_PORT: '2525', SL_SMTP_INBOUND_DOMAINS: 'support.example.com, Help.Example.org' })()).toEqual({
      host: '127.0.0.1',
      port: 2525,
      domains: ['support.example.com', 'help.example.org'],
      maxClients: 20,
      trustedAuthserv: [],
    });
    expect(withEnv({ SL_SMTP_INBOUND_MAX_CLIENTS: '5', SL_EMAIL_TRUSTED_AUTHSERV: 'MX.example.com, mx2.example.com' })()).toMatchObject({ maxClients: 5, trustedAuthserv: ['mx.example.com', 'mx2.example.com'] });
    expect(withEnv({ SL_SMTP_INBOUND_PORT: 'smtp' })).toThrow('SL_SMTP_INBOUND_PORT must be a port number, 1 to 65535 (got "smtp")');
    expect(withEnv({ SL_SMTP_INBOUND_PORT: '2525', SL_SMTP_INBOUND_DOMAINS: '' })).toThrow(/SL_SMTP_INBOUND_DOMAINS must name the domain/);
    expect(withEnv({ SL_SMTP_INBOUND_PORT: '2525', SL_SMTP_INBOUND_DOMAINS: 'support.example.com,not a domain' })).toThrow(/SL_SMTP_INBOUND_DOMAINS must be domain names/);
    process.env.SL_SMTP_INBOUND_DOMAINS = 'support.example.com';
    expect(withEnv({ SL_SMTP_INBOUND_MAX_CLIENTS: 'many' })).toThrow('SL_SMTP_INBOUND_MAX_CLIENTS must be a whole number, 1 or more (got "many")');
    expect(withEnv({ SL_SMTP_INBOUND_MAX_CLIENTS: '5', SL_EMAIL_TRUSTED_AUTHSERV: 'mx.example.com; dmarc=pass' })).toThrow(/SL_EMAIL_TRUSTED_AUTHSERV must be authserv-ids/);
  });
});

describe('mail to customers', () => {
  // threading by subject (email-threading.ts) relies on it: a customer answering any of them names the case
  it('carries the case number [SL-…] in the subject of every template sent to a customer', () => {
    for (const template of ['case_acknowledged', 'case_reply', 'case_resolved', 'case_closed', 'remedy'])
      for (const locale of ['zh-CN', 'en'])
        expect(renderTemplate(template, locale, { number: 'SL-20261123-0042', subject: '空调不制冷', name: '王小明' }).subject, `${template} ${locale}`).toContain('[SL-20261123-0042]');
  });
});
