package guard

// Machine-readable zones of passports and ID cards (ICAO Doc 9303): the
// document number, birth date and expiry each carry a check digit
// (weights 7, 3, 1; digits count as themselves, A-Z as 10-35, the filler
// < as 0).

func mrzValue(c byte) (int, bool) {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0'), true
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10, true
	case c == '<':
		return 0, true
	}
	return 0, false
}

// mrzCheck reports whether check is the check digit of field.
func mrzCheck(field string, check byte) bool {
	w := [3]int{7, 3, 1}
	sum := 0
	for k := 0; k < len(field); k++ {
		v, _ := mrzValue(field[k])
		sum += v * w[k%3]
	}
	return check >= '0' && check <= '9' && sum%10 == int(check-'0')
}

func mrzDate(d string) bool {
	for k := 0; k < 6; k++ {
		if !isDigit(d[k]) {
			return false
		}
	}
	return dateOK(atoi([]byte(d[4:6])), atoi([]byte(d[2:4])))
}

// mrzLines finds MRZ lines in s that hold a document number: line 2 of a
// passport (TD3, 44 characters) or of a TD2 card (36), whose document
// number, birth date and expiry pass their check digits, and line 1 of a
// TD1 ID card (30) whose document number does.
func mrzLines(s string, add func(a, b int)) {
	for i := 0; i < len(s); {
		if _, ok := mrzValue(s[i]); !ok || i > 0 && isAlnum(s[i-1]) {
			i++
			continue
		}
		e := i
		for e < len(s) {
			if _, ok := mrzValue(s[e]); !ok {
				break
			}
			e++
		}
		line := s[i:e]
		switch len(line) {
		case 44, 36:
			if mrzCheck(line[0:9], line[9]) && mrzDate(line[13:19]) && mrzCheck(line[13:19], line[19]) &&
				mrzCheck(line[21:27], line[27]) && (line[20] == 'M' || line[20] == 'F' || line[20] == 'X' || line[20] == '<') {
				add(i, e)
			}
		case 30:
			if (line[0] == 'I' || line[0] == 'A' || line[0] == 'C') && isUpper(line[2]) && line[5] != '<' &&
				mrzCheck(line[5:14], line[14]) && line[29] == '<' {
				add(i, e)
			}
		}
		i = e
	}
}
