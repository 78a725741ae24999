package guard

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// Check-digit helpers for the family samples: each returns a valid
// identifier of its format built from the given digits.

func cpfOf(d9 string) string {
	d := d9
	for _, n := range []int{9, 10} {
		sum := 0
		for k := 0; k < n; k++ {
			sum += int(d[k]-'0') * (n + 1 - k)
		}
		r := sum * 10 % 11 % 10
		d += strconv.Itoa(r)
	}
	return d
}

func cnpjOf(d12 string) string {
	d := d12
	for _, w := range [][]int{{5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2}, {6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2}} {
		sum := 0
		for k, x := range w {
			sum += int(d[k]-'0') * x
		}
		r := sum % 11
		if r < 2 {
			r = 0
		} else {
			r = 11 - r
		}
		d += strconv.Itoa(r)
	}
	return d
}

func peselOf(d10 string) string {
	w := []int{1, 3, 7, 9, 1, 3, 7, 9, 1, 3}
	sum := 0
	for k, x := range w {
		sum += int(d10[k]-'0') * x
	}
	return d10 + strconv.Itoa((10-sum%10)%10)
}

func rrnOf(d12 string) string {
	w := []int{2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5}
	sum := 0
	for k, x := range w {
		sum += int(d12[k]-'0') * x
	}
	return d12 + strconv.Itoa((11-sum%11)%10)
}

func cnIDOf(d17 string) string {
	sum := 0
	for k := 0; k < 17; k++ {
		sum += int(d17[k]-'0') * cnWeights[k]
	}
	return d17 + string("10X98765432"[sum%11])
}

func curpOf(p17 string) string {
	const al = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ"
	sum := 0
	for k := 0; k < 17; k++ {
		sum += strings.IndexByte(al, p17[k]) * (18 - k)
	}
	return p17 + strconv.Itoa((10-sum%10)%10)
}

func dniOf(n int) string {
	return strconv.Itoa(n) + string("TRWAGMYFPDXBNJZSQVHLCKE"[n%23])
}

func bsnOf(d8 string) string {
	for c := 0; c <= 9; c++ {
		x := d8 + strconv.Itoa(c)
		if bsnValid([]byte(x)) {
			return x
		}
	}
	return bsnOf(d8[:7] + strconv.Itoa((int(d8[7]-'0')+1)%10))
}

type famCase struct {
	name   string
	props  string
	secret string // "" for a negative: no critical finding and nothing changed
}

func pos(name, props, secret string) famCase { return famCase{name, props, secret} }
func neg(name, props string) famCase         { return famCase{name: name, props: props} }

func familyCases() []famCase {
	cpf := cpfOf("529982247")
	cnpj := cnpjOf("112223330001")
	cnpjF := cnpj[:2] + "." + cnpj[2:5] + "." + cnpj[5:8] + "/" + cnpj[8:12] + "-" + cnpj[12:]
	pesel := peselOf("4405140135")
	rrn := rrnOf("900101123456")
	cnid := cnIDOf("11010519491231002")
	curp := curpOf("GODE561231HDFRRN0")
	sin := withLuhn("13069254")
	aad := withVerhoeff("23412341234")
	za := withLuhn("800101500908")
	bsn := bsnOf("11122233")
	steuer := withSteuer("8609574271")
	pnr := withLuhn("811218987")
	jh := b64url(`{"alg":"HS256","typ":"JWT"}`)
	anon := jh + "." + b64url(`{"iss":"supabase","ref":"abcdefghijklmnopqrst","role":"anon","iat":1700000000,"exp":2000000000}`) + "." + fake(301, 43, b64u)
	service := jh + "." + b64url(`{"iss":"supabase","ref":"abcdefghijklmnopqrst","role":"service_role","iat":1700000000,"exp":2000000000}`) + "." + fake(302, 43, b64u)
	user := jh + "." + b64url(`{"iss":"https://abc.supabase.co/auth/v1","sub":"42","role":"authenticated"}`) + "." + fake(303, 43, b64u)
	return []famCase{
		// JWTs: the payload decides
		neg("supabase anon neutral", kv("config", anon).props),
		neg("supabase anon in text", kv("msg", "createClient(url, '"+anon+"')").props),
		neg("supabase anon under key", kv("supabase_key", anon).props),
		pos("supabase service role", kv("config", service).props, service),
		pos("supabase service role key", kv("supabase_key", service).props, service),
		pos("supabase user token", kv("config", user).props, user),
		// national IDs under keys in many spellings
		pos("ssn full key", kv("social_security_number", "536-22-1234").props, "536-22-1234"),
		pos("cnpj key", kv("CNPJ", cnpjF).props, cnpjF),
		pos("cnpj key bare", kv("cnpj", cnpj).props, cnpj),
		pos("pesel key", kv("pesel", pesel).props, pesel),
		pos("rrn key", kv("resident_registration_number", rrn[:6]+"-"+rrn[6:]).props, rrn[:6]+"-"+rrn[6:]),
		pos("curp key", kv("curp", curp).props, curp),
		pos("cn id key", kv("shenfenzheng", cnid).props, cnid),
		pos("ssn int", `{"ssn":536221234}`, "536221234"),
		pos("cpf int", `{"cpf":`+cpf+`}`, cpf),
		pos("doc pair cnpj", `{"documents":[{"type":"CNPJ","id":"`+cnpjF+`"}]}`, cnpjF),
		pos("doc pair cn", `{"documents":[{"type":"resident_id","id":"`+cnid+`"}]}`, cnid),
		pos("doc pair curp", `{"documents":[{"kind":"CURP","number":"`+curp+`"}]}`, curp),
		pos("doc pair pesel", `{"documents":[{"doc_type":"PESEL","id":"`+pesel+`"}]}`, pesel),
		// in prose
		pos("prose cnpj", kv("comment", "Empresa CNPJ "+cnpjF+" cadastrada").props, cnpjF),
		pos("prose pesel", kv("text", "Mój PESEL to "+pesel).props, pesel),
		pos("prose rrn", kv("message", "주민등록번호: "+rrn[:6]+"-"+rrn[6:]).props, rrn[:6]+"-"+rrn[6:]),
		pos("prose curp", kv("body", "Mi CURP es "+curp+", gracias").props, curp),
		pos("prose cn", kv("body", "身份证号码 "+cnid).props, cnid),
		pos("prose nino", kv("message", "NI number: AB123456C").props, "AB123456C"),
		pos("prose bsn", kv("message", "mijn BSN is "+bsn).props, bsn),
		pos("prose sa id", kv("note", "ID number "+za).props, za),
		pos("prose aadhaar", kv("note", "Aadhaar no. "+aad[:4]+" "+aad[4:8]+" "+aad[8:]).props, aad[:4]+" "+aad[4:8]+" "+aad[8:]),
		pos("prose ssn", kv("note", "customer's social security number is 536221234").props, "536221234"),
		pos("prose steuer", kv("note", "Steuer-IdNr. "+steuer).props, steuer),
		pos("prose pnr", kv("note", "personnr "+pnr[:6]+"-"+pnr[6:]).props, pnr[:6]+"-"+pnr[6:]),
		pos("prose sin", kv("note", "SIN: "+sin).props, sin),
		pos("prose dni", kv("note", "con DNI "+dniOf(12345678)).props, dniOf(12345678)),
		pos("error ssn", kv("$exception_message", "ValidationError: invalid ssn 536221234 for user 42").props, "536221234"),
		pos("error cpf", kv("$exception_message", "duplicate key value violates unique constraint: (cpf)=("+cpf+")").props, cpf),
		pos("error cnpj", kv("$exception_message", "CNPJ "+cnpjF+" not found").props, cnpjF),
		pos("error cnid", kv("$exception_message", "IdCardException: id_card="+cnid).props, cnid),
		// in URLs
		pos("url ssn path", kv("$current_url", "https://x.example/api/ssn/536221234").props, "536221234"),
		pos("url cpf path", kv("$current_url", "https://x.example/users/cpf/"+cpf+"/profile").props, cpf),
		pos("url cpf query", kv("$current_url", "https://x.example/lookup?cpf="+cpf).props, cpf),
		pos("url cpf formatted", kv("$current_url", "https://x.example/clientes/"+cpf[:3]+"."+cpf[3:6]+"."+cpf[6:9]+"-"+cpf[9:]).props, cpf[:3]+"."+cpf[3:6]+"."+cpf[6:9]+"-"+cpf[9:]),
		pos("url nino path", kv("$current_url", "https://x.example/nino/AB123456C").props, "AB123456C"),
		pos("url pesel", kv("$current_url", "https://x.example/pesel/"+pesel).props, pesel),
		pos("form cnpj", kv("payload", "nome=Acme&cnpj="+cnpj+"&uf=SP").props, cnpj),
		pos("json cnpj", kv("graphql", `{"variables":{"input":{"cnpj":"`+cnpjF+`"}}}`).props, cnpjF),
		// passwords in commands, configs and logs
		pos("oracle", kv("cmd", "sqlplus scott/Tiger2024x@ORCL").props, "Tiger2024x"),
		pos("xfreerdp", kv("cmd", "xfreerdp /v:10.0.0.5 /u:admin /p:Winter2024!").props, "Winter2024!"),
		pos("net use", kv("cmd", `net use Z: \\fs01\share /user:CORP\bob Passw0rd9`).props, "Passw0rd9"),
		pos("pgpassword", kv("cmd", "PGPASSWORD=Kx92mmQ1z psql -h db -U app").props, "Kx92mmQ1z"),
		pos("docker -e", kv("cmd", "docker run -e MYSQL_ROOT_PASSWORD=Rt55hhQq9 mysql:8").props, "Rt55hhQq9"),
		pos("sqlcmd -P", kv("cmd", "sqlcmd -S db -U sa -P Yuk0nX12 -Q select").props, "Yuk0nX12"),
		pos("argv -p glued", `{"argv":["mysql","-uroot","-pZq81xxLm","shop"]}`, "Zq81xxLm"),
		pos("argv pass", `{"argv":["sshpass","-p","Wq9zzLm2","ssh","host"]}`, "Wq9zzLm2"),
		pos("basic header", kv("headers", "Authorization: Basic YWRtaW46U2VjcmV0OTk=").props, "YWRtaW46U2VjcmV0OTk="),
		pos("netrc", kv("content", "machine api.example.com\nlogin bob\npassword Hq7wert9").props, "Hq7wert9"),
		pos("netrc one line", kv("content", "machine api.example.com login bob password Hq7wert9").props, "Hq7wert9"),
		pos("my.cnf", kv("content", "# my.cnf\\n[client]\nuser=root\npassword=Mq8vvZ11\n").props, "Mq8vvZ11"),
		pos("yaml", kv("content", "db:\n  user: app\n  password: Lk33pqRs\n").props, "Lk33pqRs"),
		pos("toml", kv("content", "# app.toml\\n[db]\npassword = \"Lk33pqRs\"\n").props, "Lk33pqRs"),
		pos("log pw", kv("msg", "login failed for user=bob pass=Qz19xxLp ip=1.2.3.4").props, "Qz19xxLp"),
		pos("log pw json", kv("msg", `auth attempt {"user":"bob","passwd":"Qz19xxLp"}`).props, "Qz19xxLp"),
		pos("form body", kv("payload", "username=bob&passwd=Qz19xxLp&remember=1").props, "Qz19xxLp"),
		pos("openssl -k", kv("cmd", "openssl enc -aes256 -k Kq7zR2mX -in x").props, "Kq7zR2mX"),
		pos("lftp", kv("cmd", "lftp -u bob,Kq7zR2mX ftp.example.com").props, "Kq7zR2mX"),
		pos("rdesktop", kv("cmd", "rdesktop -u admin -p Kq7zR2mX 10.0.0.1").props, "Kq7zR2mX"),
		pos("htpasswd", kv("cmd", "htpasswd -b /etc/htpasswd bob Kq7zR2mX").props, "Kq7zR2mX"),
		pos("chpasswd", kv("cmd", `echo "bob:Kq7zR2mX" | chpasswd`).props, "Kq7zR2mX"),
		pos("wifi psk", kv("content", `network={ ssid="home" psk="Kq7zR2mX" }`).props, "Kq7zR2mX"),
		pos("smbclient", kv("cmd", "smbclient //srv/share Kq7zR2mX -U bob").props, "Kq7zR2mX"),
		pos("sshpass glued", kv("cmd", "sshpass -pKq7zR2mX ssh host").props, "Kq7zR2mX"),
		pos("net user", kv("cmd", "net user bob Kq7zR2mX /add").props, "Kq7zR2mX"),
		pos("ado.net", kv("conn", "Server=db;Database=app;User Id=sa;Password=Kq7zR2mX;").props, "Kq7zR2mX"),
		pos("powershell", kv("cmd", `$pw = ConvertTo-SecureString "Kq7zR2mX" -AsPlainText -Force`).props, "Kq7zR2mX"),
		neg("runas", kv("cmd", "runas /user:admin /savecred cmd").props),
		neg("net use no pw", kv("cmd", `net use Z: \\srv\share /user:bob /persistent:yes`).props),
		neg("net user query", kv("cmd", "net user bob /domain").props),
		neg("htpasswd prompt", kv("cmd", "htpasswd /etc/htpasswd bob").props),
		neg("pipe prose", kv("msg", "build | test | deploy finished in 42s").props),
		neg("oracle nolog", kv("cmd", "sqlplus /nolog @script.sql").props),
		neg("oracle sysdba", kv("cmd", "sqlplus / as sysdba").props),
		pos("xml entry key", kv("content", `<properties><entry key="db.password">Kq7zR2mX</entry></properties>`).props, "Kq7zR2mX"),
		pos("ncftp", kv("cmd", "ncftp -u bob -p Kq7zR2mX host").props, "Kq7zR2mX"),
		pos("az login", kv("cmd", "az login -u bob -p Kq7zR2mX").props, "Kq7zR2mX"),
		pos("mongo glued", kv("cmd", "mongo -u admin -pKq7zR2mX").props, "Kq7zR2mX"),
		pos("cqlsh", kv("cmd", "cqlsh -u cassandra -p Kq7zR2mX").props, "Kq7zR2mX"),
		pos("sqlplus no service", kv("cmd", "sqlplus system/Kq7zR2mX").props, "Kq7zR2mX"),
		neg("xml entry public", kv("content", `<properties><entry key="db.host">db.internal</entry></properties>`).props),
		neg("az other -p", kv("cmd", "az vm create -n vm1 -p 8080").props),
		neg("sqlplus path", kv("cmd", "sqlplus @/opt/scripts/run.sql").props),
		pos("argv flag=value", `{"argv":["mysql","-h","db","--password=Kq7zR2mX","shop"]}`, "Kq7zR2mX"),
		pos("argv curl -u", `{"argv":["curl","-u","bob:Kq7zR2mX","https://x.io"]}`, "Kq7zR2mX"),
		neg("argv flag=public", `{"argv":["mysql","-h","db","--password-file=/run/secrets/db","--port=3306"]}`),
		neg("argv -u user", `{"argv":["ssh","-u","bob","host"]}`),
		neg("argv flag template", `{"argv":["psql","--password=${DB_PASSWORD}"]}`),
		pos("inline asp.net", kv("msg", "POST /login ctl00$Main$txtPassword=Kq7zR2mX&btn=Go").props, "Kq7zR2mX"),
		pos("inline camel", kv("msg", "auth failed (userPassword: Kq7zR2mX)").props, "Kq7zR2mX"),
		pos("inline jsf", kv("msg", "form loginForm%3Apassword=Kq7zR2mX submitted").props, "Kq7zR2mX"),
		pos("inline suffix digit", kv("msg", "reset done, password1: Kq7zR2mX").props, "Kq7zR2mX"),
		neg("inline prose", kv("msg", "password: must be 8 characters or more").props),
		neg("inline strength", kv("msg", "passwordStrength: strong, passwordChangedAt: 2024-01-01").props),
		neg("inline word", kv("msg", "login ok, password: accepted").props),
		neg("inline template", kv("msg", "config loaded password=${DB_PASSWORD} host=db").props),
		// PINs
		pos("pin digits", kv("pin", "4821").props, "4821"),
		pos("unlock code", kv("unlock_code", "4821").props, "4821"),
		pos("passcode", kv("passcode", "482915").props, "482915"),
		pos("pin sibling", `{"fields":[{"name":"pin","value":"4821"}]}`, "4821"),
		neg("pin word", kv("pin", "top").props),
		neg("pin bool", kv("pin", "true").props),
		neg("pin gate", kv("pin", "gate 4").props),
		neg("pincode postal", kv("shipping_pincode", "560001").props),
		neg("pin alnum", kv("pin", "gate4b").props),
		neg("delivery pincode", kv("delivery_pincode", "110 001").props),
		neg("pin coords", kv("pin", "12.9716,77.5946").props),
		neg("pinned", kv("pinned", "1").props),
		// CVV
		pos("cvv long key", `{"card_number":"4111111111111111","card_verification_value":"123"}`, "123"),
		pos("cvv2", `{"cvv2":"123"}`, "123"),
		pos("security code card", `{"card":{"security_code":"123"}}`, "123"),
		pos("nhs spaced", kv("note", "NHS number 943 476 5919").props, "943 476 5919"),
		pos("nhs key", kv("nhs_number", "9434765919").props, "9434765919"),
		pos("id then value", kv("$exception_message", "ValidationError: field nino value AB123456C invalid").props, "AB123456C"),
		pos("pan card", kv("note", "my PAN card is ABCPE1234F").props, "ABCPE1234F"),
		neg("nhs bad", kv("note", "NHS number 943 476 5918").props),
		neg("nhs key bad", kv("nhs_number", "9434765918").props),
		neg("rfc prose", kv("note", "see RFC 7231 section 6").props),
		pos("account field", `{"fields":[{"name":"account","value":"12345678901"}]}`, "12345678901"),
		pos("acct pair", `{"form":[["acct","12345678901"]]}`, "12345678901"),
		neg("account field name", `{"fields":[{"name":"account","value":"acme-corp"}]}`),
		neg("account key id", kv("account", "12345678901").props),
		pos("cue no.", kv("message", "customer passport no. X12345678 verified").props, "X12345678"),
		pos("cue nr.", kv("message", "Ausweis-Nr. L01X00T47 geprüft").props, "L01X00T47"),
		pos("cue dl#", kv("message", "DL# D1234567 expired").props, "D1234567"),
		pos("cue russian", kv("message", "номер паспорта 4509123456").props, "4509123456"),
		pos("cue ss#", kv("message", "SS# 536-22-1234 on file").props, "536-22-1234"),
		neg("cue no number", kv("message", "passport no. needed before travel").props),
		neg("license key text", kv("message", "license no longer valid since 2024").props),
		pos("python repr", kv("$exception_message", "ValidationError({'cnpj': '"+cnpjF+"', 'uf': 'SP'})").props, cnpjF),
		pos("json text in error", kv("$exception_message", `bad request: {"tax_id":"`+cpf+`"}`).props, cpf),
		neg("python repr public", kv("$exception_message", "KeyError({'cnpj_status': 'active', 'uf': 'SP'})").props),
		// negatives
		neg("ssn bad area", kv("social_security_number", "000-12-3456").props),
		neg("order id", kv("note", "order id 8001015009088").props),
		neg("cnpj bad", kv("cnpj", cnpj[:13]+strconv.Itoa((int(cnpj[13]-'0')+1)%10)).props),
		neg("pesel bad", kv("text", "Mój PESEL to "+pesel[:10]+strconv.Itoa((int(pesel[10]-'0')+1)%10)).props),
		neg("url users id", kv("$current_url", "https://x.example/users/536221234/profile").props),
		neg("url order", kv("$current_url", "https://x.example/orders/"+cpf).props),
		// a card number split over sibling fields
		pos("split card four groups", `{"card_number_1":"4111","card_number_2":"1111","card_number_3":"1111","card_number_4":"1111","plan":"pro"}`, "4111"),
		pos("split card halves", `{"checkout":{"cc_first_half":"55555555","cc_second_half":"55554444"}}`, "55554444"),
		pos("split card under card key", `{"card":{"part1":"3782","part2":"822463","part3":"10005"}}`, "822463"),
		pos("split card numbers", `{"pan_part_2":1111,"pan_part_1":4111,"pan_part_3":1111,"pan_part_4":1111}`, "4111"),
		neg("split card bad luhn", `{"card_number_1":"4111","card_number_2":"1111","card_number_3":"1111","card_number_4":"1112"}`),
		neg("unrelated 4-digit siblings", `{"year":"4111","build":"1111","port":"1111","code":"1111"}`),
		neg("phone parts", `{"phone_1":"4111","phone_2":"1111","phone_3":"1111","phone_4":"1111"}`),
		neg("card date parts", `{"card_exp_month":"12","card_exp_year":"2030","card_issue_1":"2021"}`),
		neg("card bin and last4", `{"card_bin":"411111","card_last4":"1111","card_first6":"411111"}`),
		// passwords in SQL text
		pos("sql identified by", kv("query", "CREATE USER 'app'@'%' IDENTIFIED BY 'Tr0ub4dor&3';").props, "Tr0ub4dor&3"),
		pos("sql oracle bare", kv("$exception_message", "ORA-01935 in: alter user scott identified by Tiger2024x account unlock").props, "Tiger2024x"),
		pos("sql identified with", kv("sql", "ALTER USER bob IDENTIFIED WITH mysql_native_password BY 'pl4net#X'").props, "pl4net#X"),
		pos("sql postgres role", kv("stmt", `CREATE ROLE reporting WITH LOGIN PASSWORD 'r3p0rt-Only!' VALID UNTIL '2027-01-01'`).props, "r3p0rt-Only!"),
		pos("sql set password", kv("log", "query: SET PASSWORD FOR 'bob'@'localhost' = 'n3wPass!9';").props, "n3wPass!9"),
		neg("sql no password", kv("query", "CREATE USER 'app'@'%' IDENTIFIED WITH auth_socket;").props),
		neg("sql hash only", kv("query", "ALTER USER app IDENTIFIED BY VALUES 'S:1234ABCD';").props),
		neg("sql placeholder", kv("query", "CREATE ROLE app LOGIN PASSWORD $1").props),
		neg("sql select", kv("query", "SELECT id FROM users WHERE password_reset = 'pending' AND role = 'x'").props),
		neg("prose identified", kv("message", "The user identified by the badge entered the room").props),
		// passwords, PINs and one-time codes under keys in other scripts
		pos("key greek", kv("κωδικός_πρόσβασης", "Ελλάδα2024!").props, "Ελλάδα2024!"),
		pos("key greek capitals", kv("ΚΩΔΙΚΌΣ_ΠΡΌΣΒΑΣΗΣ", "Ath3na#77").props, "Ath3na#77"),
		pos("key cyrillic capitalised", kv("Пароль", "Moskva_1990").props, "Moskva_1990"),
		pos("key japanese otp", kv("確認コード", "482913").props, "482913"),
		pos("key chinese otp", kv("短信验证码", "730215").props, "730215"),
		pos("key korean otp", kv("인증코드", "615204").props, "615204"),
		pos("key italian phrase", kv("parola_d_ordine", "Colosseo!88").props, "Colosseo!88"),
		pos("key greek otp", kv("Κωδικός_Επαλήθευσης", "904417").props, "904417"),
		neg("key greek product code", kv("κωδικός_προϊόντος", "SKU-44810").props),
		neg("key japanese date", kv("確認日", "2026-12-01").props),
		neg("key russian changed at", kv("Пароль_изменён_дата", "2026-11-30").props),
		// one-time tokens in sign-in links and custom-scheme deep links
		pos("deep link magic", kv("$deeplink", "myapp://login?magic=Qm9vdHN0cmFwX2xpbms4S2x5Zz&src=email").props, "Qm9vdHN0cmFwX2xpbms4S2x5Zz"),
		pos("deep link reverse dns", kv("url", "com.example.shop://auth/callback?session_key=hT7qP2vXw9LmZ4rN8sKd3Fa").props, "hT7qP2vXw9LmZ4rN8sKd3Fa"),
		pos("web magic link", kv("$current_url", "https://app.example.com/verify?login_token=Zx81kQ0pLmW2vTy7RnB4cD5e").props, "Zx81kQ0pLmW2vTy7RnB4cD5e"),
		neg("deep link ids", kv("$deeplink", "myapp://product?id=8841209&ref=home_banner&campaign_code=SPRING24").props),
		neg("deep link flag", kv("$deeplink", "myapp://settings?magic=true&auth_mode=biometric").props),
		neg("web magic word", kv("$current_url", "https://shop.example/search?q=magic+link+sign+in").props),
		// CSV text whose header names a column
		pos("csv passport column", kv("export", "name,passport_number,country\nAda Lovelace,X12345678,GB\nAlan Turing,Y87654321,GB").props, "Y87654321"),
		pos("csv bsn semicolon", kv("upload_preview", "naam;bsn;stad\r\nJan;"+bsn+";Utrecht\r\n").props, bsn),
		pos("csv password tab", kv("paste", "user\tpassword\nbob\tBl4ckC@t!\n").props, "Bl4ckC@t!"),
		neg("csv ids", kv("export", "order_id,tracking_number,sku\n100234,1Z999AA10123456784,SKU-1\n100235,1Z999AA10123456785,SKU-2").props),
		neg("csv bsn bad check", kv("export", "naam;bsn\nJan;"+bsn[:8]+strconv.Itoa((int(bsn[8]-'0')+1)%10)+"\n").props),
		neg("csv status column", kv("export", "name,passport_status\nAda,verified\nAlan,pending").props),
		// passwords in chat prose written without spaces
		pos("chat chinese", kv("message", "你好，我的密码是Xy7kq92m，登录不了").props, "Xy7kq92m"),
		pos("chat chinese wei", kv("message", "新密码为Hk29!pqz。谢谢").props, "Hk29!pqz"),
		pos("chat japanese", kv("message", "パスワードはSakura2024です").props, "Sakura2024"),
		neg("chat chinese forgot", kv("message", "忘记密码是怎么回事？请帮忙").props),
		neg("chat chinese rule", kv("message", "密码是8位数字和字母的组合").props),
		pos("chat spanish accent", kv("message", "mi contraseña: señor1234").props, "señor1234"),
	}
}

func TestFamilies(t *testing.T) {
	c := mustChecker(t, DefaultPolicy())
	runFamCases(t, c, familyCases())
}

// runFamCases checks positives (the secret removed, no finding holding it)
// and negatives (no critical finding).
func runFamCases(t *testing.T, c *Checker, cases []famCase) {
	t.Helper()
	for _, fc := range cases {
		r := checkEvent(t, c, fc.props)
		if fc.secret != "" {
			if !r.drop && strings.Contains(r.props, jsonText(fc.secret)) {
				t.Errorf("%s: kept (findings: %s) %s", fc.name, describe(r), fc.props)
			}
			for _, f := range r.findings {
				if strings.Contains(fmt.Sprintf("%+v", f), fc.secret) {
					t.Errorf("%s: a finding holds the value", fc.name)
				}
			}
			continue
		}
		for _, f := range r.findings {
			if Critical(Class(f.Class)) {
				t.Errorf("%s: reported %s", fc.name, describe(r))
				break
			}
		}
	}
}
