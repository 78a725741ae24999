package guard

import (
	"testing"
)

// The kinds of the eighth corpus's round (issue 13, branch grec7): each
// written from the formats' public documentation and the class
// definitions, with positives and negatives, never from a corpus's values.

// kinds8Samples are detector samples of the round, merged into
// TestDetectorSamples.
func kinds8Samples() map[string][2][]sample {
	return map[string][2][]sample{
		"card.pan": {
			{skv("note", "card 4111\u20131111\u20131111\u20131111 thanks"), skv("raw", "5500\u30000000\u30000000\u30000004"), skv("msg", "3782\u00b7822463\u00b710005"), skv("v", "4111\u22121111\u22121111\u22121111")},
			{skv("note", "card 4111\u20131111\u20131111\u20131112 thanks"), skv("years", "2019\u20132024, 2025\u20142026"), skv("phone", "+7 916 123\u201345\u201367")},
		},
		"card.split": {
			{
				{props: `{"card_number":["4111","1111","1111","1111"]}`, secret: "4111"},
				{props: `{"pan_parts":["5500","0000","0000","0004"]}`, secret: "5500"},
				{props: `{"ccnum":[3782,822463,10005]}`, secret: "822463"},
			},
			{
				{props: `{"card_number":["4111","1111","1111","1112"]}`},
				{props: `{"order_parts":["4111","1111","1111","1111"]}`},
				{props: `{"card_number":["4111","1111","1111","11a1"]}`},
			},
		},
	}
}

func TestKinds8Families(t *testing.T) {
	c := mustChecker(t, DefaultPolicy())
	runFamCases(t, c, kinds8Cases())
}

func kinds8Cases() []famCase {
	return []famCase{
		pos("card array groups", `{"cardNumber":["4111","1111","1111","1111"],"exp":"09/29"}`, "1111"),
		neg("card array of last4s", `{"cards":["4242","1881"]}`),
		neg("card array ids", `{"card_ids":["card_1","card_2"]}`),
		// One-time codes in SMS bodies of more languages and senders.
		pos("otp russian", skv("sms_body", "Код подтверждения: 530917. Никому не сообщайте его").props, "530917"),
		pos("otp japanese", skv("sms_body", "認証コード：530917 （10分間有効）").props, "530917"),
		pos("otp chinese", skv("sms_body", "【Acme】验证码：530917，5分钟内有效").props, "530917"),
		pos("otp korean", skv("sms_body", "[Web발신] 인증번호 [530917]를 입력해주세요").props, "530917"),
		pos("otp arabic", skv("sms_body", "رمز التحقق الخاص بك هو 530917").props, "530917"),
		pos("otp spanish", skv("sms_body", "Tu código de acceso es 530917").props, "530917"),
		pos("otp sender letter", skv("sms_body", "G-530917 is your Google verification code.").props, "530917"),
		neg("otp cue no code", skv("sms_body", "Код подтверждения отправлен на ваш номер").props),
		neg("otp cue order number", skv("message", "验证码已发送，订单号 A5309").props),
		neg("otp letter id", skv("message", "AB-530917 is your ticket, not a verification code").props),
	}
}
