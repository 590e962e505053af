import { describe, expect, it } from 'vitest';
import { keywords, suggestClassification } from './classification.ts';

const classify = (description: string, subject = '') => suggestClassification({ subject, description, channel: 'email', customerTier: null });

describe('rule-based classification: English keywords match whole words only', () => {
  it('does not find a keyword inside another English word', () => {
    // "press" in express / impressed: not a sign the complaint reaches the press
    expect(classify('I want to complain about the express courier')).toMatchObject({ type: 'complaint', complaintGrade: 'general' });
    expect(classify('I complain because I am not impressed')).toMatchObject({ type: 'complaint', complaintGrade: 'general', urgency: 2 });
    // "again" in against
    expect(classify('I filed a complaint against your shop')).toMatchObject({ type: 'complaint', complaintGrade: 'general' });
    // "down" in download: not urgent
    expect(classify('Where can I download the manual?')).toMatchObject({ type: 'inquiry', urgency: 2 });
    // "install" in uninstall: not a service request
    expect(classify('How do I uninstall the app?')).toMatchObject({ type: 'inquiry' });
  });

  it('still finds whole English words, their inflections where meant, in any case', () => {
    expect(classify('I will complain to the press about this')).toMatchObject({ type: 'complaint', complaintGrade: 'urgent', urgency: 1 });
    expect(classify('Complaint: a reporter from the city paper called me')).toMatchObject({ type: 'complaint', complaintGrade: 'urgent' });
    expect(classify('I complained, my child was injured')).toMatchObject({ type: 'complaint', complaintGrade: 'urgent' });
    expect(classify('Complaint: it broke again, I want a refund')).toMatchObject({ type: 'complaint', complaintGrade: 'important' });
    expect(classify('Please install my heater')).toMatchObject({ type: 'service_request' });
    expect(classify('The installation was never finished')).toMatchObject({ type: 'service_request' });
    expect(classify('The site is DOWN since this morning')).toMatchObject({ urgency: 1 });
    expect(classify('Not working at all')).toMatchObject({ type: 'service_request' });
    expect(classify('thank   you for the great service')).toMatchObject({ type: 'praise' });
    expect(classify('My medical records were shared')).toMatchObject({ sensitive: true });
    expect(classify('A biomedical question')).toMatchObject({ sensitive: false });
  });

  it('matches Chinese terms anywhere in the text (no spaces between words)', () => {
    expect(classify('再不处理我就向媒体曝光，我要投诉')).toMatchObject({ type: 'complaint', complaintGrade: 'urgent', urgency: 1 });
    expect(classify('我要投诉，已经打了12315')).toMatchObject({ type: 'complaint', complaintGrade: 'urgent' });
    expect(classify('第二次投诉了，要求退款')).toMatchObject({ type: 'complaint', complaintGrade: 'important' });
    expect(classify('热水器坏了，请上门维修')).toMatchObject({ type: 'service_request' });
    expect(classify('系统停机了，请尽快处理')).toMatchObject({ urgency: 1 });
    expect(classify('中英混合: 我要complain一下')).toMatchObject({ type: 'complaint' });
    expect(suggestClassification({ subject: '投诉', description: '产品问题', channel: 'web', customerTier: null }).rule).toBe('keyword:投诉');
  });

  it('builds rules that treat regular-expression characters in terms literally', () => {
    expect(keywords('a.b').test('axb')).toBe(false);
    expect(keywords('a.b').test('see a.b here')).toBe(true);
    expect(keywords('c++*', '12315').test('c++11 or 拨打12315')).toBe(true);
  });
});
